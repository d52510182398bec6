"""BMNwActionCls: the seed's usage, classes taken from the right feature positions, a trained head."""
import numpy as np
import pytest
import torch

import course_lib  # noqa: F401  (compat fixes and registrations first)
from course_lib.data.transforms import GenerateLocalizationClassLabels, class_list
from course_lib.models.bmn_cls import (BMNwActionCls, proposal_span_seconds, reset_action_head,
                                       segment_positions)
from mmaction.registry import MODELS, TRANSFORMS
from mmaction.structures import ActionDataSample
from mmengine.structures import InstanceData

# a small BMN: the seed's keywords with the sizes shrunk so that tests take seconds
SMALL = dict(temporal_dim=16, boundary_ratio=0.5, num_samples=8, num_samples_per_bin=3, feat_dim=8,
             soft_nms_alpha=0.4, soft_nms_low_threshold=0.5, soft_nms_high_threshold=0.9,
             post_process_top_k=20, hidden_dim_1d=16, hidden_dim_2d=8, hidden_dim_3d=16)


def meta(duration_second=100.0, duration_frame=3000, feature_frame=3000, name='v_test'):
    return dict(video_name=name, duration_second=duration_second, duration_frame=duration_frame,
                feature_frame=feature_frame)


def test_registered_where_configs_and_import_course_lib_find_it():
    assert 'BMNwActionCls' in course_lib.models.REGISTERED
    assert MODELS.get('BMNwActionCls') is BMNwActionCls
    assert TRANSFORMS.get('GenerateLocalizationClassLabels') is GenerateLocalizationClassLabels


@pytest.mark.parametrize('build', ['registry', 'class'])
def test_the_seeds_usage_with_42_classes(build):
    torch.manual_seed(0)
    if build == 'registry':
        model = MODELS.build(dict(type='BMNwActionCls', num_action_classes=42, **SMALL))
    else:
        model = BMNwActionCls(num_action_classes=42, **SMALL)
    assert model.head_action_cls.out_channels == 42 and model.tscale == 16
    sample = ActionDataSample(metainfo=meta(duration_second=100, duration_frame=960,
                                            feature_frame=960))
    with torch.no_grad():
        results = model([torch.rand(8, 16)], mode='predict', data_samples=[sample])
    proposals = results[0]['proposal_list']
    assert results[0]['video_name'] == 'v_test' and len(proposals) == 20
    for p in proposals:
        assert type(p['action_cls']) is int and 0 <= p['action_cls'] < 41  # 41 = background
        assert 0 < p['action_score'] < 1
    with torch.no_grad():
        *_, probabilities = model([torch.rand(8, 16)], mode='tensor')
    assert probabilities.shape == (1, 42, 16)
    assert torch.allclose(probabilities.sum(dim=1), torch.ones(1, 16))


def test_default_is_activitynets_200_classes_plus_background():
    assert BMNwActionCls(**SMALL).head_action_cls.out_channels == 201


def test_seconds_map_to_feature_positions_by_the_videos_duration():
    # 3000 frames: BMN's proposals span 2992 of them (whole 16-frame units) = 99.733 s
    info = meta(duration_second=100.0, duration_frame=3000)
    span = 2992 / 3000 * 100
    assert proposal_span_seconds(info) == pytest.approx(span)
    assert segment_positions([0.25 * span, 0.5 * span], info, 16) == (4, 8)
    assert segment_positions([0.0, span], info, 16) == (0, 16)
    assert segment_positions([0.9 * span, 0.9 * span], info, 16) == (14, 15)  # at least one
    assert segment_positions([30, 60], meta(duration_second=120, duration_frame=3600), 32) == (8, 16)


def three_region_model(duration_second: float):
    """A model whose head reads class c from channel c; features: class 0, 1, 2 in thirds."""
    torch.manual_seed(0)
    model = BMNwActionCls(num_action_classes=4, **SMALL).eval()
    with torch.no_grad():
        model.head_action_cls.weight.zero_()
        model.head_action_cls.bias.zero_()
        for c in range(3):
            model.head_action_cls.weight[c, c, 0] = 10.0
        model.head_action_cls.bias[3] = 5.0  # background wins where no channel is on
    features = torch.zeros(8, 16)
    features[0, 0:6] = features[1, 6:11] = features[2, 11:16] = 1.0
    return model, features, ActionDataSample(metainfo=meta(duration_second=duration_second))


@pytest.mark.parametrize('duration_second', [100.0, 7.5])
def test_a_proposals_class_comes_from_the_positions_it_covers(duration_second):
    model, features, sample = three_region_model(duration_second)
    span = 2992 / 3000 * duration_second
    probabilities = model.action_probabilities(features[None])[0]
    # proposals in seconds, and the class of the region of the video they lie in
    known = [([0.0, 0.3 * span], 0), ([0.4 * span, 0.65 * span], 1), ([0.8 * span, span], 2),
             ([0.0, span], 0)]  # whole video: 6 of 16 positions are class 0, 5 each class 1 and 2
    out = model.classify_proposals(probabilities, [{'segment': s} for s, _ in known], sample.metainfo)
    assert [p['action_cls'] for p in out] == [c for _, c in known]
    assert out[3]['action_score'] == pytest.approx(6 / 16, abs=0.01)
    # and through predict: every proposal's class is the majority class of the steps it covers
    with torch.no_grad():
        proposals = model([features], mode='predict', data_samples=[sample])[0]['proposal_list']
    region = np.array([0] * 6 + [1] * 5 + [2] * 5)
    checked = 0
    for p in proposals:
        first, stop = round(p['segment'][0] / span * 16), round(p['segment'][1] / span * 16)
        counts = np.bincount(region[first:stop], minlength=3)
        if (counts == counts.max()).sum() == 1:  # a unique majority
            assert p['action_cls'] == counts.argmax(), (p, first, stop)
            checked += 1
    assert checked >= 10


def sample_with_segments(bbox, labels):
    sample = ActionDataSample(metainfo=meta())
    sample.gt_instances = InstanceData(gt_bbox=torch.tensor(bbox, dtype=torch.float),
                                       gt_label=torch.tensor(labels))
    return sample


def test_targets_label_positions_inside_segments_and_background_elsewhere():
    model = BMNwActionCls(num_action_classes=4, **SMALL)
    targets = model.action_targets([sample_with_segments([[0.25, 0.5], [0.75, 1.0]], [2, 0])])
    assert targets.tolist() == [[3, 3, 3, 3, 2, 2, 2, 2, 3, 3, 3, 3, 0, 0, 0, 0]]


def test_a_label_outside_the_classes_is_a_clear_error():
    model = BMNwActionCls(num_action_classes=4, **SMALL)
    with pytest.raises(ValueError, match='len\\(classes\\) \\+ 1'):
        model.action_targets([sample_with_segments([[0.25, 0.5]], [3])])  # 3 is background


def test_training_lowers_the_classification_loss_and_learns_the_classes():
    model, features, _ = three_region_model(100.0)
    reset_action_head(model)
    model.train()
    sample = sample_with_segments([[0, 6 / 16], [6 / 16, 11 / 16], [11 / 16, 1]], [0, 1, 2])
    optimizer = torch.optim.Adam(model.head_action_cls.parameters(), lr=0.1)
    history = []
    for _ in range(15):
        losses = model([features], data_samples=[sample], mode='loss')
        assert set(losses) == {'loss_bmn', 'loss_action_cls'}
        optimizer.zero_grad()
        losses['loss_action_cls'].backward()
        optimizer.step()
        history.append(losses['loss_action_cls'].item())
    assert history[-1] < 0.2 * history[0]
    probabilities = model.action_probabilities(features[None])[0]
    assert probabilities.argmax(dim=0).tolist() == [0] * 6 + [1] * 5 + [2] * 5


def test_without_labels_only_bmn_trains_and_it_says_so():
    model = BMNwActionCls(num_action_classes=4, **SMALL)
    sample = ActionDataSample(metainfo=meta())
    sample.gt_instances = InstanceData(gt_bbox=torch.tensor([[0.25, 0.5]]))
    with pytest.warns(UserWarning, match='action head is NOT trained'):
        losses = model([torch.rand(8, 16)], data_samples=[sample], mode='loss')
    assert set(losses) == {'loss_bmn'}


def test_reset_action_head_is_repeatable_and_changes_the_weights():
    model = BMNwActionCls(num_action_classes=4, **SMALL)
    with torch.no_grad():
        model.head_action_cls.weight.fill_(1.0)
    first = reset_action_head(model, seed=3).head_action_cls.weight.clone()
    second = reset_action_head(model, seed=3).head_action_cls.weight.clone()
    assert torch.equal(first, second) and not torch.all(first == 1.0)


# ---- the data companion: class labels from the annotations -----------------------------------

def video(labels):
    return dict(video_name='v_x', duration_second=10.0, duration_frame=300, feature_frame=300,
                annotations=[{'segment': [i, i + 1.0], 'label': lab} for i, lab in enumerate(labels)])


def test_the_transform_adds_class_indices_beside_mmactions_boxes():
    transform = TRANSFORMS.build(dict(type='GenerateLocalizationClassLabels',
                                      classes=['jump', 'surf', 'cake']))
    out = transform(video(['surf', 'cake', 'surf']))
    assert out['gt_label'].tolist() == [1, 2, 1] and out['gt_label'].dtype == np.int64
    assert out['gt_bbox'] == pytest.approx(np.array([[0, .1], [.1, .2], [.2, .3]]))


def test_the_transform_names_an_unknown_label_and_the_fix():
    transform = GenerateLocalizationClassLabels(classes=['jump'])
    with pytest.raises(KeyError, match="v_x, annotation 1: label 'surf'.*Add it to `classes`"):
        transform(video(['jump', 'surf']))


def test_class_lists_come_from_lists_text_files_or_annotations(tmp_path):
    (tmp_path / 'classes.txt').write_text('jump\nsurf\n\n')
    assert class_list(tmp_path / 'classes.txt') == ['jump', 'surf']
    (tmp_path / 'anno.json').write_text('{"v_a": {"annotations": [{"segment": [0, 1], '
                                        '"label": "surf"}, {"segment": [1, 2], "label": "cake"}]}}')
    assert class_list(str(tmp_path / 'anno.json')) == ['cake', 'surf']
    with pytest.raises(ValueError, match='without repeats'):
        class_list(['jump', 'jump'])
    with pytest.raises(FileNotFoundError, match='one name per line'):
        class_list(tmp_path / 'missing.txt')


def test_saved_proposals_classified_again_match_predict(tmp_path):
    from course_lib.data.activitynet import write_features
    from course_lib.models.bmn_cls import classify_saved_proposals
    model, features, sample = three_region_model(100.0)
    with torch.no_grad():
        result = model([features], mode='predict', data_samples=[sample])[0]
    write_features(tmp_path / 'v_test.csv', features.numpy().T)
    saved = {'results': {'test': [{'segment': p['segment'], 'score': p['score']}  # as ANetMetric writes
                                  for p in result['proposal_list']]}}
    again = classify_saved_proposals(model, saved, {'v_test': sample.metainfo}, tmp_path)
    assert again[0]['video_name'] == 'v_test'
    assert [p['action_cls'] for p in again[0]['proposal_list']] == \
        [p['action_cls'] for p in result['proposal_list']]
    assert len({p['action_cls'] for p in again[0]['proposal_list']}) == 3  # not all one class
    # a fresh head gives other classes to the same proposals
    reset_action_head(model, seed=1)
    fresh = classify_saved_proposals(model, saved, {'v_test': sample.metainfo}, tmp_path)
    assert [p['action_cls'] for p in fresh[0]['proposal_list']] != \
        [p['action_cls'] for p in result['proposal_list']]


def test_import_course_lib_survives_a_broken_mmaction_and_says_so():
    import subprocess
    import sys
    code = ("import sys; sys.modules['mmaction.models'] = None\n"  # as if mmaction.models failed
            "import warnings; warnings.simplefilter('always')\n"
            "import course_lib; print('imported', course_lib.models.REGISTERED)")
    done = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "imported ('BMNwActionCls',)" in done.stdout
    assert 'BMNwActionCls is not registered' in done.stderr and 'doctor' in done.stderr
