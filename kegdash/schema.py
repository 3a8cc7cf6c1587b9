"""Every table kegdash stores, in dependency order: what migrations must produce.

``pwmigrate generate`` and the schema-drift test read ``ALL_MODELS``; nothing creates tables
from it directly, because old databases must reach the same schema through the migrations.
"""

from kegdash.accounts.models import (
    ApiKey,
    Authorization,
    ClientApp,
    CodeGrant,
    Follow,
    User,
    WebSession,
)
from kegdash.apiary.models import Apiary, Device, Hive, HourlyReading, LicenseKey, Reading
from kegdash.bar.models import (
    AuthToken,
    Beverage,
    Brewer,
    Controller,
    Drink,
    DrinkingSession,
    FlowMeter,
    Keg,
    KegSize,
    Tap,
    ThermoLog,
    ThermoSensor,
)
from kegdash.brewing.models import Action, StoredRecipe
from kegdash.site_settings import SiteSetting

ALL_MODELS = [
    User,
    Follow,
    ApiKey,
    ClientApp,
    Authorization,
    CodeGrant,
    WebSession,
    KegSize,
    Brewer,
    Controller,
    Beverage,
    ThermoSensor,
    ThermoLog,
    Keg,
    Tap,
    Controller,
    FlowMeter,
    DrinkingSession,
    AuthToken,
    Drink,
    StoredRecipe,
    Action,
    LicenseKey,
    Apiary,
    Hive,
    Device,
    Reading,
    HourlyReading,
    SiteSetting,
]
