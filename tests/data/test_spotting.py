"""course_lib.data.spotting: SoccerNet Labels-v2.json events, round trip, clear errors."""
import json

import pytest

from course_lib.data.spotting import Event, SpottingFormatError, read_events, write_events


def test_round_trip_and_soccernet_fields(tmp_path):
    events = [Event(64.5, 'Goal'), Event(2.72, 'Kick-off', half=2)]
    path = write_events(tmp_path / 'Labels-v2.json', 'game.mkv', events)
    data = json.loads(path.read_text())
    assert data['annotations'][0] == {'gameTime': '1 - 01:04', 'label': 'Goal', 'position': '64500'}
    video, back = read_events(path)
    assert video == 'game.mkv'
    assert back == [Event(64.5, 'Goal', 1), Event(2.72, 'Kick-off', 2)]  # sorted by half, time


def test_malformed_events_are_named(tmp_path):
    path = tmp_path / 'Labels-v2.json'
    path.write_text(json.dumps({'annotations': [{'label': 'Goal', 'position': '100'},
                                                {'label': 'Goal', 'position': '1.5s'}]}))
    with pytest.raises(SpottingFormatError, match=r'Labels-v2\.json, annotation 1: "position"'):
        read_events(path)
    path.write_text('{"annotations": [\n{"label": "Goal",}\n]}')
    with pytest.raises(SpottingFormatError, match='line 2: not valid JSON'):
        read_events(path)
    path.write_text(json.dumps({'events': []}))
    with pytest.raises(SpottingFormatError, match='"annotations" list'):
        read_events(path)
