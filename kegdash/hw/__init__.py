"""Serial hardware: Kegboard (KBSP v1) and hive-gateway (HV1) protocols, pour detection."""
