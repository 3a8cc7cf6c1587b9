"""Names vulture (``make lint``) cannot see used: peewee columns read by SQL, dataclass fields
kept for the record, Qt and http.server overrides, asyncio and httptools callbacks, pytest fixtures taken for
their side effect. Reviewed by hand; a name belongs here only when its use is real."""
# ruff: noqa
requests  # unused variable (benchmarks/load.py:35)
product  # unused variable (kegdash/apiary/models.py:58)
temperature_high  # unused variable (kegdash/apiary/models.py:80)
temperature_average  # unused variable (kegdash/apiary/models.py:81)
temperature_low  # unused variable (kegdash/apiary/models.py:82)
humidity_high  # unused variable (kegdash/apiary/models.py:84)
humidity_average  # unused variable (kegdash/apiary/models.py:85)
humidity_low  # unused variable (kegdash/apiary/models.py:86)
signal_wifi  # unused variable (kegdash/apiary/models.py:88)
signal_bluetooth  # unused variable (kegdash/apiary/models.py:89)
carb  # unused variable (kegdash/brewing/recipe.py:383)
recipe_id  # unused variable (kegdash/events.py:91)
recipe_name  # unused variable (kegdash/events.py:92)
protocol_version  # unused variable (kegdash/hw/kbsp.py:49)
uptime_millis  # unused variable (kegdash/hw/kbsp.py:51)
uptime_days  # unused variable (kegdash/hw/kbsp.py:52)
baud_rate  # unused variable (kegdash/hw/kbsp.py:69)
update_interval  # unused variable (kegdash/hw/kbsp.py:70)
watchdog_timeout  # unused variable (kegdash/hw/kbsp.py:71)
output_name  # unused variable (kegdash/hw/kbsp.py:119)
output_reading  # unused variable (kegdash/hw/kbsp.py:120)
output_id  # unused variable (kegdash/hw/kbsp.py:182)
output_mode  # unused variable (kegdash/hw/kbsp.py:183)
_.MEMFILE_MAX  # unused attribute (kegdash/server/app.py:13)
_.mousePressEvent  # unused method (kegdash/ui/banner.py:56)
_.zoomLevels  # unused attribute (kegdash/ui/hive_plots.py:112)
onFill  # unused variable (kegdash/ui/level_bar.py:49)
onTrack  # unused variable (kegdash/ui/level_bar.py:51)
ctx  # unused variable (tests/server/test_fuzz.py:41)
pytestmark  # unused variable (tests/server/test_kegbot_seed_examples.py:18)
_.staff_key  # unused attribute (tests/server/test_web_accounts.py:47)
dst  # unused variable (tests/test_config.py:180)
src  # unused variable (tests/test_config.py:180)
pytestmark  # unused variable (tests/test_postgres.py:37)
qapp  # unused variable (tests/test_self_test.py:13)
qapp  # unused variable (tests/test_self_test.py:25)
qapp  # unused variable (tests/test_self_test.py:35)
qapp  # unused variable (tests/ui/test_qt_messages.py:8)
_.do_GET  # unused method (tests/web/test_browser.py:79)
_.log_message  # unused method (tests/web/test_browser.py:86)
connection_made  # asyncio.Protocol (kegdash/server/runner.py)
connection_lost  # asyncio.Protocol
data_received  # asyncio.Protocol
eof_received  # asyncio.Protocol
on_message_begin  # httptools parser callback (kegdash/server/runner.py)
on_url  # httptools parser callback
on_header  # httptools parser callback
on_headers_complete  # httptools parser callback
on_chunk_header  # httptools parser callback
on_body  # httptools parser callback
on_message_complete  # httptools parser callback
postgres_for_the_module  # pytest fixture taken for its lock (tests/test_two_instances.py)
nothing_older_to_collect  # pytest fixture taken for its side effect: gc.freeze before the first window test (tests/ui/conftest.py)
