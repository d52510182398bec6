"""ActivityNet detection mAP: hand-worked cases, mmaction's whole evaluation as a reference, clear errors."""
import json

import numpy as np
import pytest

import course_lib  # noqa: F401  (compat fixes first)
from course_lib.metrics import (ActivityNetDetectionMetric, DetectionFormatError,
                                activitynet_detection_map, detections_from_proposals)


def gt(*videos):
    """{'database': ...} from (video, [(start, end, label), ...]) pairs."""
    return {'database': {v: {'subset': 'validation',
                             'annotations': [{'segment': [s, e], 'label': c} for s, e, c in anns]}
                         for v, anns in videos}}


def pred(*rows):
    """{'results': ...} from (video, start, end, label, score) rows."""
    out = {}
    for v, s, e, c, score in rows:
        out.setdefault(v, []).append({'segment': [s, e], 'label': c, 'score': score})
    return {'version': 'VERSION 1.3', 'results': out, 'external_data': {}}


TWO_VIDEOS = gt(('a', [(0, 10, 'jump'), (20, 30, 'surf')]), ('b', [(5, 15, 'jump')]))


def test_perfect_predictions_score_one_at_every_threshold():
    p = pred(('a', 0, 10, 'jump', .9), ('a', 20, 30, 'surf', .8), ('b', 5, 15, 'jump', .7))
    result = activitynet_detection_map(TWO_VIDEOS, p)
    assert list(result) == [f'mAP@{t:.2f}' for t in np.linspace(.5, .95, 10)] + ['average_mAP']
    assert all(v == 1.0 for v in result.values())


def test_a_duplicate_is_a_false_positive():
    # jump: hit a (.9), the same segment again (.8: GT already taken), hit b (.7)
    # precision 1, 1/2, 2/3 at recall 1/2, 1/2, 1 -> AP = 1/2 * 1 + 1/2 * 2/3 = 5/6
    p = pred(('a', 0, 10, 'jump', .9), ('a', 0, 10, 'jump', .8), ('b', 5, 15, 'jump', .7),
             ('a', 20, 30, 'surf', .5))
    result = activitynet_detection_map(TWO_VIDEOS, p, tiou_thresholds=[0.5])
    assert result['mAP@0.50'] == pytest.approx((5 / 6 + 1) / 2)


def test_a_ground_truth_is_matched_once_per_threshold():
    # one GT [0, 10]; [0, 7.8] (tIoU .78, score .9) takes it up to tIoU .75; above, [0, 10] (.8) does
    truth = gt(('a', [(0, 10, 'jump')]))
    p = pred(('a', 0, 7.8, 'jump', .9), ('a', 0, 10, 'jump', .8))
    result = activitynet_detection_map(truth, p)
    assert [result[f'mAP@{t:.2f}'] for t in np.linspace(.5, .95, 10)] == [1.0] * 6 + [0.5] * 4
    assert result['average_mAP'] == pytest.approx(0.8)


def test_classes_without_predictions_score_zero():
    p = pred(('a', 0, 10, 'jump', .9), ('b', 5, 15, 'jump', .7))  # nothing for 'surf'
    assert activitynet_detection_map(TWO_VIDEOS, p)['average_mAP'] == 0.5


def test_predictions_in_videos_without_that_class_are_false_positives():
    # surf predicted in b (no surf there), ranked first: precision 1/2 at full recall
    p = pred(('b', 5, 15, 'surf', .9), ('a', 20, 30, 'surf', .8), ('a', 0, 10, 'jump', .9),
             ('b', 5, 15, 'jump', .7))
    assert activitynet_detection_map(TWO_VIDEOS, p, [0.5])['mAP@0.50'] == pytest.approx(0.75)


def test_only_the_chosen_subset_counts():
    truth = gt(('a', [(0, 10, 'jump')]), ('t', [(0, 10, 'jump')]))
    truth['database']['t']['subset'] = 'training'
    p = pred(('a', 0, 10, 'jump', .9))
    assert activitynet_detection_map(truth, p)['average_mAP'] == 1.0
    assert activitynet_detection_map(truth, p, subset=None)['average_mAP'] == 0.5


def test_labels_no_ground_truth_has_are_left_out_with_a_warning():
    p = pred(('a', 0, 10, 'jump', .9), ('a', 0, 10, 'dance', .95), ('b', 5, 15, 'jump', .7),
             ('a', 20, 30, 'surf', .8))
    with pytest.warns(UserWarning, match='dance'):
        assert activitynet_detection_map(TWO_VIDEOS, p)['average_mAP'] == 1.0


def test_a_zero_length_ground_truth_segment_is_refused():
    # mmaction's tIoU of two zero-length segments is NaN, which its matching counts as a hit
    truth = gt(('a', [(5, 5, 'jump'), (20, 30, 'jump')]))
    with pytest.raises(DetectionFormatError, match=r"video 'a', entry 0: segment \[5.0, 5.0\] has zero"):
        activitynet_detection_map(truth, pred(('a', 5, 5, 'jump', .9)))


def test_agrees_with_mmactions_port_of_the_official_code(tmp_path):
    from mmaction.evaluation.functional.eval_detection import ActivityNetLocalization
    rng = np.random.default_rng(0)
    classes = ['jump', 'surf', 'cake']
    anno, results = {}, {}
    for v in range(12):
        starts = rng.uniform(0, 80, size=3)
        anno[f'v_vid{v:03d}'] = {'annotations': [
            {'segment': [s, s + rng.uniform(3, 20)], 'label': rng.choice(classes)} for s in starts]}
        near = [a['segment'] for a in anno[f'v_vid{v:03d}']['annotations'] for _ in range(3)]
        near = [sorted([s + rng.normal(0, 2), e + rng.normal(0, 2)]) for s, e in near]  # hits
        anywhere = [[s, s + rng.uniform(2, 25)] for s in rng.uniform(0, 80, size=6)]
        results[f'vid{v:03d}'] = [{'segment': seg, 'label': str(rng.choice(classes)),
                                   'score': float(rng.uniform())} for seg in near + anywhere]
    (tmp_path / 'gt.json').write_text(json.dumps(anno))
    (tmp_path / 'pred.json').write_text(json.dumps({'results': results}))
    reference = ActivityNetLocalization(str(tmp_path / 'gt.json'), str(tmp_path / 'pred.json'))
    ref_map, ref_avg = reference.evaluate()
    truth = {'database': {k[2:]: v for k, v in anno.items()}}
    ours = activitynet_detection_map(truth, tmp_path / 'pred.json', subset=None)
    assert 0.05 < ref_avg < 0.95  # a case with hits and misses, not a trivial one
    assert [ours[f'mAP@{t:.2f}'] for t in np.linspace(.5, .95, 10)] == pytest.approx(ref_map, abs=1e-12)
    assert ours['average_mAP'] == pytest.approx(ref_avg, abs=1e-12)


@pytest.mark.parametrize('content, message', [
    ('{"video": []}', r'expected \{"results"'),
    ('{"results": {"a": [{"segment": [5], "label": "jump", "score": 1}]}}',
     r'line 1, video .a., entry 0: "segment" must be \[start, end\]'),
    ('{"results": {"a": [{"segment": [5, 9], "label": "jump", "score": "high"}]}}',
     r'"score" must be a finite number'),
    ('{"results": {"a": [{"segment": [9, 5], "label": "jump", "score": 1}]}}', 'ends before it starts'),
    ('{"results": {"a": {"segment": [5, 9]}}}', 'expected a list of detections'),
    ('{"results": {\n"a": [\n', r'line 3: not valid JSON'),
])
def test_malformed_prediction_files_name_the_file_and_the_problem(tmp_path, content, message):
    path = tmp_path / 'broken.json'
    path.write_text(content)
    with pytest.raises(DetectionFormatError, match=message) as err:
        activitynet_detection_map(TWO_VIDEOS, path)
    assert str(path) in str(err.value)


def test_an_error_points_at_the_line_of_the_video(tmp_path):
    path = tmp_path / 'pred.json'
    results = {'results': {'a': [{'segment': [0, 10], 'label': 'jump', 'score': .5}],
                           'b': [{'segment': [0, 10], 'label': 7, 'score': .5}]}}
    path.write_text(json.dumps(results, indent=1))
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if '"b"' in text)
    with pytest.raises(DetectionFormatError, match=f'line {line}, video .b., entry 0: "label"'):
        activitynet_detection_map(TWO_VIDEOS, path)


def test_video_names_that_never_match_say_how_to_fix_them():
    p = pred(('v_a', 0, 10, 'jump', .9))
    with pytest.raises(DetectionFormatError, match='"v_" prefix'):
        activitynet_detection_map(TWO_VIDEOS, p)


def test_the_mmengine_metric_turns_classified_proposals_into_map(tmp_path):
    from mmaction.structures import ActionDataSample
    classes = ['jump', 'surf']
    anns = {'v_a': [{'segment': [0, 10], 'label': 'jump'}, {'segment': [20, 30], 'label': 'surf'}]}
    proposals = [{'segment': [0, 10], 'score': .9, 'action_cls': 0, 'action_score': .8},
                 {'segment': [20, 30], 'score': .8, 'action_cls': 1, 'action_score': .9},
                 {'segment': [0, 30], 'score': .7, 'action_cls': 0, 'action_score': .1}]
    metric = ActivityNetDetectionMetric(classes, out=str(tmp_path / 'det.json'))
    sample = ActionDataSample(metainfo=dict(video_name='v_a', annotations=anns['v_a']))
    metric.process({'data_samples': [sample]}, [{'video_name': 'v_a', 'proposal_list': proposals}])
    result = metric.compute_metrics(metric.results)
    assert result['average_mAP'] == 1.0
    saved = json.loads((tmp_path / 'det.json').read_text())['results']['v_a']
    assert [d['label'] for d in saved] == ['jump', 'surf', 'jump']
    assert [d['score'] for d in saved] == pytest.approx([.72, .72, .07])  # proposal x class score


def test_proposals_without_classes_are_a_clear_error():
    with pytest.raises(DetectionFormatError, match='BMNwActionCls'):
        detections_from_proposals([{'video_name': 'v_a', 'proposal_list': [
            {'segment': [0, 1], 'score': .5}]}], ['jump'])
