"""ActivityNet annotations and feature CSVs: round trips, clear errors, mmaction reads what we write."""
import json
import zipfile

import numpy as np
import pytest

import course_lib  # noqa: F401  (compat fixes before mmaction)
from course_lib.data import activitynet as anet
from course_lib.data.synthetic import anet_features as synth

VIDEO = {'duration_second': 100.0, 'duration_frame': 3000, 'feature_frame': 3000,
         'annotations': [{'segment': [10.0, 35.5], 'label': 'Surfing'}]}
TINY = synth.SyntheticAnetSpec(num_train=6, num_val=3, num_test=2, temporal_dim=16, feat_dim=64)


def test_annotations_round_trip(tmp_path):
    db = {'v_abc': VIDEO, 'v_def': dict(VIDEO, annotations=[])}
    path = anet.write_annotations(tmp_path / 'anet_anno_val.json', db)
    assert anet.read_annotations(path) == db
    assert anet.class_names(db) == ['Surfing']


@pytest.mark.parametrize('change, words', [
    (dict(annotations=[{'segment': [40.0, 30.0], 'label': 'x'}]), ['annotation 0', 'start <= end']),
    (dict(annotations=[{'segment': [1.0], 'label': 'x'}]), ['annotation 0', '[start, end]']),
    (dict(duration_frame=-5), ['duration_frame', 'positive']),
    (dict(annotations=[{'segment': [1.0, 2.0], 'label': 7}]), ['"label" must be a string']),
])
def test_bad_entries_name_file_line_and_video(tmp_path, change, words):
    path = tmp_path / 'anet_anno_train.json'
    path.write_text(json.dumps({'v_good': VIDEO, 'v_bad': dict(VIDEO, **change)}, indent=1))
    with pytest.raises(anet.ActivityNetFormatError) as err:
        anet.read_annotations(path)
    message = str(err.value)
    bad_line = path.read_text().splitlines().index(' "v_bad": {') + 1
    assert str(path) in message and f'line {bad_line}' in message and "'v_bad'" in message
    for word in words:
        assert word in message


def test_missing_key_and_bad_name_and_bad_json(tmp_path):
    video = {k: v for k, v in VIDEO.items() if k != 'feature_frame'}
    with pytest.raises(anet.ActivityNetFormatError, match=r"missing key\(s\) \['feature_frame'\]"):
        anet.write_annotations(tmp_path / 'a.json', {'v_x': video})
    with pytest.raises(anet.ActivityNetFormatError, match='must start with "v_"'):
        anet.write_annotations(tmp_path / 'a.json', {'abc': VIDEO})
    assert not (tmp_path / 'a.json').exists()  # nothing written when invalid
    broken = tmp_path / 'broken.json'
    broken.write_text('{\n "v_x": {\n  "duration_second": 1,,\n }\n}')
    with pytest.raises(anet.ActivityNetFormatError, match=r'broken.json, line 3: not valid JSON'):
        anet.read_annotations(broken)
    with pytest.raises(FileNotFoundError, match='prepare_activitynet.py'):
        anet.read_annotations(tmp_path / 'nope.json')


def test_features_round_trip_and_shape_errors(tmp_path):
    x = np.random.default_rng(0).standard_normal((5, 7)).astype(np.float32)
    path = anet.write_features(tmp_path / 'v_a.csv', x)
    lines = path.read_text().splitlines()
    assert lines[0] == 'f0,f1,f2,f3,f4,f5,f6' and len(lines) == 6  # header + T rows
    np.testing.assert_allclose(anet.read_features(path, 5, 7), x, rtol=1e-4, atol=1e-5)
    with pytest.raises(anet.ActivityNetFormatError, match='5 rows .* expected 100'):
        anet.read_features(path, temporal_dim=100)
    with pytest.raises(anet.ActivityNetFormatError, match='7 columns, expected 400'):
        anet.read_features(path, feat_dim=400)


def test_segments_in_steps_uses_the_feature_span():
    info = dict(VIDEO, feature_frame=1500)  # features cover half the video: 50 s
    np.testing.assert_allclose(anet.segments_in_steps(info, 100), [[20.0, 71.0]])


def test_synthetic_set_layout_grid_and_classes(tmp_path):
    root = synth.generate_anet_features(tmp_path, TINY, progress=False)
    report = anet.validate_dataset(root, TINY.feature_dir, temporal_dim=16, feat_dim=64,
                                   progress=False)
    assert report.videos == {'train': 6, 'val': 3, 'test': 2}
    assert report.feature_shape == (16, 64)
    assert set(report.labels) <= set(synth.CLASSES)
    for split in anet.SPLITS:
        for info in anet.read_annotations(root / f'anet_anno_{split}.json').values():
            assert info['duration_frame'] % 16 == 0 and info['feature_frame'] == info['duration_frame']
            steps = anet.segments_in_steps(info, 16)
            np.testing.assert_allclose(steps, np.round(steps), atol=1e-4)  # on the feature grid
            assert steps.min() >= 1 and steps.max() <= 15  # first and last step stay free
            assert all(e - s >= TINY.min_len for s, e in steps)
            assert all(b[0] > a[1] for a, b in zip(steps, steps[1:]))  # disjoint, ordered


def test_synthetic_features_carry_their_segments_and_classes(tmp_path):
    """The true class patterns find every annotated step and its class: the set is learnable."""
    spec = synth.SyntheticAnetSpec(num_train=20, num_val=0, num_test=0, temporal_dim=32,
                                   feat_dim=100)
    root = synth.generate_anet_features(tmp_path, spec, progress=False)
    patterns = synth.class_patterns(spec)
    classes = list(spec.classes())
    correct = total = 0
    for name, info in anet.read_annotations(root / 'anet_anno_train.json').items():
        x = anet.read_features(root / spec.feature_dir / f'{name}.csv', 32, 100)
        truth = np.full(32, -1)
        for ann, (s, e) in zip(info['annotations'], anet.segments_in_steps(info, 32)):
            truth[round(s):round(e)] = classes.index(ann['label'])
        x = x - x[truth < 0].mean(axis=0)  # remove the video's scene (background steps' mean)
        score = x @ patterns.T / (patterns ** 2).sum(axis=1)  # ~1 for the class, ~0 otherwise
        guess = np.where(score.max(axis=1) > 0.5, score.argmax(axis=1), -1)
        correct += (guess == truth).sum()
        total += 32
    assert correct / total > 0.95


def test_synthetic_generation_is_deterministic_and_skipped_when_done(tmp_path):
    a = synth.generate_anet_features(tmp_path / 'a', TINY, progress=False)
    b = synth.generate_anet_features(tmp_path / 'b', TINY, progress=False)
    assert (a / 'anet_anno_val.json').read_text() == (b / 'anet_anno_val.json').read_text()
    csv = next((a / TINY.feature_dir).iterdir())
    before = csv.stat().st_mtime_ns
    synth.generate_anet_features(a, TINY, progress=False)  # same spec: nothing rewritten
    assert csv.stat().st_mtime_ns == before
    other = synth.SyntheticAnetSpec(**{**TINY.__dict__, 'seed': 1})
    synth.generate_anet_features(a, other, progress=False)  # another spec: regenerated
    assert (a / 'anet_anno_val.json').read_text() != (b / 'anet_anno_val.json').read_text()


def test_mmaction_dataset_reads_the_generated_set(tmp_path):
    from mmaction.registry import DATASETS
    from mmaction.utils import register_all_modules
    register_all_modules()
    root = synth.generate_anet_features(tmp_path, TINY, progress=False)
    dataset = DATASETS.build(dict(
        type='ActivityNetDataset', ann_file=str(root / 'anet_anno_val.json'),
        data_prefix=dict(video=str(root / TINY.feature_dir)),
        pipeline=[dict(type='LoadLocalizationFeature'), dict(type='GenerateLocalizationLabels'),
                  dict(type='PackLocalizationInputs', keys=('gt_bbox',), meta_keys=('video_name',))]))
    db = anet.read_annotations(root / 'anet_anno_val.json')
    assert len(dataset) == 3
    for i in range(3):
        item = dataset[i]
        name = item['data_samples'].metainfo['video_name']
        assert tuple(item['inputs'].shape) == (64, 16)  # channels x time, as BMN wants
        np.testing.assert_allclose(item['data_samples'].gt_instances['gt_bbox'].numpy(),
                                   anet.segments_in_steps(db[name], 16) / 16, atol=1e-5)


def test_validate_dataset_finds_missing_and_misshapen_features(tmp_path):
    root = synth.generate_anet_features(tmp_path, TINY, progress=False)
    victim = sorted(anet.read_annotations(root / 'anet_anno_val.json'))[0]
    (root / TINY.feature_dir / f'{victim}.csv').unlink()
    with pytest.raises(anet.ActivityNetFormatError, match=r'anet_anno_val.json: 1 of 3 videos'):
        anet.validate_dataset(root, TINY.feature_dir, progress=False)
    anet.write_features(root / TINY.feature_dir / f'{victim}.csv', np.zeros((16, 10)))
    with pytest.raises(anet.ActivityNetFormatError, match=f'{victim}.csv, line 2: 10 columns'):
        anet.validate_dataset(root, TINY.feature_dir, progress=False)


def test_process_annotations_splits_like_mmaction(tmp_path):
    anet.write_annotations(tmp_path / 'anet_anno_action.json',
                           {'v_a': VIDEO, 'v_b': VIDEO, 'v_c': dict(VIDEO, annotations=[])})
    (tmp_path / 'video_info_new.csv').write_text(
        'video,numFrame,seconds,fps,rfps,subset,featureFrame\n'
        'v_a,3000,100,30,29.97,training,3000\nv_b,3000,100,25,25.0,validation,3000\n'
        'v_c,3000,100,30,30.0,testing,3000\n')
    counts = anet.process_annotations(tmp_path)
    assert counts == {'train': 1, 'val': 1, 'test': 1, 'full': 3}
    val = anet.read_annotations(tmp_path / 'anet_anno_val.json')
    assert list(val) == ['v_b'] and val['v_b']['fps'] == 25.0 and val['v_b']['rfps'] == 25.0


def test_prepare_activitynet_downloads_once_and_resumes(tmp_path, monkeypatch):
    """The full-profile flow with the network replaced by local files; a rerun downloads nothing."""
    src = tmp_path / 'remote'
    root = synth.generate_anet_features(src, TINY, progress=False)
    action = {**anet.read_annotations(root / 'anet_anno_train.json'),
              **anet.read_annotations(root / 'anet_anno_val.json')}
    anet.write_annotations(src / 'anet_anno_action.json', action)
    subset = {n: 'training' for n in anet.read_annotations(root / 'anet_anno_train.json')}
    subset.update({n: 'validation' for n in anet.read_annotations(root / 'anet_anno_val.json')})
    (src / 'video_info_new.csv').write_text('video,numFrame,seconds,fps,rfps,subset,featureFrame\n' +
                                           ''.join(f'{n},1,1,30,30,{s},1\n' for n, s in subset.items()))
    with zipfile.ZipFile(src / 'csv_mean_100.zip', 'w') as z:
        for name in subset:
            x = np.zeros((100, 400), np.float32)
            z.writestr(f'csv_mean_100/{name}.csv', anet.feature_header(400) + '\n' +
                       '\n'.join(','.join(['0'] * 400) for _ in x) + '\n')
    files = {'anet_anno_action': 'anet_anno_action.json', 'anet_video_info': 'video_info_new.csv',
             'anet_features_csv_mean_100': 'csv_mean_100.zip'}
    calls = []

    def fake_download(name, dest_dir, **kwargs):
        calls.append(name)
        dest_dir.mkdir(parents=True, exist_ok=True)
        target = dest_dir / files[name]
        target.write_bytes((src / files[name]).read_bytes())
        return target

    monkeypatch.setattr(anet, 'download', fake_download)
    out = tmp_path / 'ActivityNet'
    report = anet.prepare_activitynet(out, check_every=1)
    assert report.videos == {'train': 6, 'val': 3} and report.feature_shape == (100, 400)
    assert not (out / 'downloads' / 'csv_mean_100.zip').exists()  # zip removed once unzipped
    assert calls.count('anet_features_csv_mean_100') == 1
    anet.prepare_activitynet(out, check_every=1)
    assert calls.count('anet_features_csv_mean_100') == 1  # the unzipped folder is reused


def test_a_web_page_instead_of_the_zip_is_reported(tmp_path):
    page = tmp_path / 'download'
    page.write_text('<html>Google Drive - virus scan warning</html>')
    with pytest.raises(anet.ActivityNetFormatError, match='not a zip archive'):
        anet._extract_features(page, tmp_path / 'csv_mean_100')
