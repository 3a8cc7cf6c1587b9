"""The apiary: licence keys, apiaries, hives, sensor devices and their readings."""
