"""Boards as Kegbot 1.x daemons register them: remembered, matched to taps by meter name."""

import pytest
from old_schema import migrated_up_to
from playhouse.migrations import Runner

from kegdash import db as kdb
from kegdash.bar import controllers, views
from kegdash.bar.models import Controller, FlowMeter
from kegdash.bar.taps import BarError, NotFound, add_tap


def test_a_registered_meter_is_used_by_the_tap_of_the_same_name(database):
    tap = add_tap("main", "kegboard.flow0", ml_per_tick=0.4)
    board = controllers.add_controller(" kegboard ", "Kegboard", "KB-1")
    assert (board.name, board.model_name, board.serial_number) == ("kegboard", "Kegboard", "KB-1")
    used = controllers.add_flow_meter(board.id, "flow0", 2.2)
    unused = controllers.add_flow_meter(board.id, "flow1", 2.2)
    assert used.name == "kegboard.flow0" and used.ticks_per_ml == pytest.approx(2.5)
    assert unused.ticks_per_ml == 2.2
    assert views.tap_record(tap.id).meter == used
    assert views.tap_record(tap.id).tap.ml_per_tick == 0.4  # the tap's calibration is kept
    assert [m.name for m in views.flow_meters()] == ["kegboard.flow0", "kegboard.flow1"]
    assert views.tap_count() == 1


def test_names_are_unique_and_plain(database):
    board = controllers.add_controller("kegboard")
    controllers.add_flow_meter(board.id, "flow0", 2.2)
    with pytest.raises(BarError, match="exists already"):
        controllers.add_controller("kegboard")
    with pytest.raises(BarError, match="already"):
        controllers.add_flow_meter(board.id, "flow0", 3.0)
    for bad in ("", "a.b", "a/b", "x" * 101):
        with pytest.raises(BarError):
            controllers.add_controller(bad)
    for ticks in (0.0, -1.0, float("nan"), 1e6):
        with pytest.raises(BarError):
            controllers.add_flow_meter(board.id, "flow2", ticks)
    with pytest.raises(NotFound):
        controllers.add_flow_meter(999, "flow0", 2.2)
    assert [c.name for c in views.controllers()] == ["kegboard"]


def test_a_database_from_before_controllers_upgrades_and_downgrades(tmp_path):
    db = migrated_up_to(tmp_path, 4)
    add_tap("main", "kegboard.flow0")
    assert not Controller.table_exists()
    assert kdb.migrate(db)[0] == "0005_controllers"
    meter = controllers.add_flow_meter(controllers.add_controller("kegboard").id, "flow0", 2.2)
    assert views.tap_record("kegboard.flow0").meter == meter
    assert Runner(db, str(kdb.MIGRATIONS_DIR)).down("0005_controllers")[-1] == "0005_controllers"
    assert not Controller.table_exists() and not FlowMeter.table_exists()
    assert views.tap_count() == 1
    db.close()
