"""Detectors on real frames, and which weight file is chosen."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import onnx
import onnx.numpy_helper
import pytest
import supervision as sv
import synthetic
import yaml

from conftest import EXAMPLE_CONFIG, need_shared
from crowdcount.detect.base import convert_pixels, letterbox
from crowdcount.detect.cards import ModelCard
from crowdcount.detect.load import load_detector
from crowdcount.detect.models import MODEL_DIR_ENV, MODEL_ENV, ModelChoice, resolve_model
from crowdcount.detect.openvino import OpenVinoDetector
from crowdcount.detect.pool import GPU_FEEDERS, DetectorPool
from crowdcount.detect.sizing import sized_for_frames
from crowdcount.detect.ultralytics import UltralyticsDetector
from crowdcount.detect.yolox import YoloxOnnxDetector
from crowdcount.errors import CrowdcountError
from crowdcount.evaluate.truth import load_mot_tracks
from crowdcount.store.events import EventStore
from helpers import ROOT, crowdcount


def frames(video: Path, indices: list[int]) -> dict[int, np.ndarray]:
    capture = cv2.VideoCapture(str(video))
    images, index = {}, 0
    while index <= max(indices):
        ok, image = capture.read()
        assert ok
        if index in indices:
            images[index] = image
        index += 1
    return images


def test_yolox_finds_the_annotated_people_on_real_frames(pets_video, pets_gt, yolox_model):
    detector = load_detector(resolve_model(str(yolox_model)))
    assert isinstance(detector, YoloxOnnxDetector)
    truth = load_mot_tracks(pets_gt)
    found = annotated = 0
    for index, image in frames(pets_video, [0, 100, 200, 300, 400]).items():
        detections = detector.detect(image)
        assert set(detections.class_id.tolist()) <= {0}
        confident = detections[detections.confidence >= 0.4]
        iou = sv.box_iou_batch(truth[index].xyxy, confident.xyxy)
        found += int((iou.max(axis=1, initial=0) >= 0.5).sum())
        annotated += len(truth[index])
    assert found / annotated >= 0.7, f"recall {found}/{annotated}"


def test_openvino_ssd_finds_the_annotated_people_on_real_frames(pets_video, pets_gt):
    ir = need_shared("models/openvino/person-detection-retail-0013.xml")
    detector = load_detector(resolve_model(str(ir)))
    assert isinstance(detector, OpenVinoDetector) and detector.name.endswith("@544")  # the export's long side
    assert detector.resizable and detector.layout == "ssd"  # its graph reshapes to the frame's aspect ratio
    truth = load_mot_tracks(pets_gt)
    found = annotated = 0
    for index, image in frames(pets_video, [0, 100, 200, 300, 400]).items():
        detections = detector.detect(image)
        confident = detections[detections.confidence >= 0.4]
        assert (confident.xyxy[:, 2:] <= [image.shape[1], image.shape[0]]).all()  # frame pixels, not 0-1
        iou = sv.box_iou_batch(truth[index].xyxy, confident.xyxy)
        found += int((iou.max(axis=1, initial=0) >= 0.5).sum())
        annotated += len(truth[index])
    assert found / annotated >= 0.7, f"recall {found}/{annotated}"


def test_the_embedded_atss_detector_runs_each_camera_at_its_own_aspect_ratio(pets_video, pets_gt):
    detector = load_detector(resolve_model())  # nothing named: the embedded default
    assert isinstance(detector, OpenVinoDetector) and detector.layout == "atss" and detector.resizable
    truth = load_mot_tracks(pets_gt)
    found = annotated = 0
    for index, image in frames(pets_video, [0, 100, 200, 300, 400]).items():
        detections = detector.detect(image, imgsz=512)
        confident = detections[detections.confidence >= 0.5]  # the tracker's "confident" after the card's map
        assert (detections.xyxy[:, 2:] <= [image.shape[1] + 1, image.shape[0] + 1]).all()  # frame pixels
        iou = sv.box_iou_batch(truth[index].xyxy, confident.xyxy)
        found += int((iou.max(axis=1, initial=0) >= 0.5).sum())
        annotated += len(truth[index])
    assert found / annotated >= 0.85, f"recall {found}/{annotated}"
    assert set(detector._requests) >= {(384, 512)}  # 4:3 at 512, not the export's 720x1280


def test_a_folder_model_is_used_unnamed_only_when_licence_clean_and_described(tmp_path, monkeypatch):
    coco, pedestrian = (
        need_shared("models/yolox_nano.onnx"),
        need_shared("models/pedestrian/bytetrack_nano.onnx"),
    )
    shutil.copy(coco, tmp_path / "a_coco.onnx")
    (tmp_path / "people").mkdir()
    shutil.copy(pedestrian, tmp_path / "people" / "z_pedestrian.onnx")
    monkeypatch.delenv(MODEL_ENV, raising=False)
    monkeypatch.setenv(MODEL_DIR_ENV, str(tmp_path))
    chosen = resolve_model()
    assert chosen.how == "embedded default" and "person-detection-0303" in chosen.reference
    assert [p.split(" ")[0] for p in chosen.passed_over] == [str(tmp_path / "people" / "z_pedestrian.onnx")]
    (tmp_path / "a_coco.onnx.card.yaml").write_text("name: our COCO YOLOX\nlicence: Apache-2.0\n")
    assert resolve_model().reference == str(tmp_path / "a_coco.onnx")


def test_the_default_input_follows_the_frame_and_the_smallest_person(yolox_model):
    detector = load_detector(resolve_model(str(yolox_model)))
    assert sized_for_frames(detector, 768, 576, None, None).name.endswith(" at 512")  # 512x384
    assert sized_for_frames(detector, 1920, 1080, None, None).name.endswith(" at 704")  # 704x384, not 512x288
    assert sized_for_frames(detector, 1920, 1080, 20.0, 416).name.endswith(
        " at 1920"
    )  # the camera's own need
    assert sized_for_frames(detector, 1920, 1080, None, 416) is detector  # --imgsz as given


def test_letterbox_keeps_the_aspect_ratio_on_a_canvas_of_multiples_of_32():
    frame = np.zeros((576, 768, 3), dtype=np.uint8)
    square, scale = letterbox(frame, 416)
    rect, same_scale = letterbox(frame, 416, multiple=32)
    assert square.shape == (416, 416, 3) and rect.shape == (320, 416, 3)
    assert square.dtype == rect.dtype == np.uint8
    assert scale == same_scale == pytest.approx(416 / 768)
    assert (rect[312:] == 114).all()  # padding below the 416x312 picture
    assert convert_pixels(rect, ModelCard("YOLOX")).shape == (1, 3, 320, 416)


def test_prepared_yolox_gives_the_exports_person_scores_exactly(pets_video, yolox_model):
    """Person-only head and uint8 input inside the graph: the same numbers as the export, less work."""
    canvas, _ = letterbox(frames(pets_video, [100])[100], 416)
    export = YoloxOnnxDetector(yolox_model, prepare=False)
    prepared = YoloxOnnxDetector(yolox_model)
    assert prepared.prepared and not export.prepared
    rows = export.session.run(None, {export.input_name: convert_pixels(canvas, export.card)})[0][0]
    person_rows = prepared.session.run(None, {prepared.input_name: canvas[None]})[0][0]
    assert rows.shape == (3549, 85) and person_rows.shape == (3549, 6)
    np.testing.assert_array_equal(person_rows, rows[:, :6])


def test_yolox_export_runs_at_its_frame_shape_and_at_other_sizes(pets_video, yolox_model):
    """The export fixes 416x416; prepared, it runs 4:3 frames at 416x320 and takes --imgsz."""
    image = frames(pets_video, [100])[100]
    square = YoloxOnnxDetector(yolox_model, prepare=False)
    rect = YoloxOnnxDetector(yolox_model)
    small = YoloxOnnxDetector(yolox_model, imgsz=320)
    assert square.name.endswith("@416") and rect.name.endswith("@416 rect")
    boxes = {name: d.detect(image) for name, d in (("square", square), ("rect", rect), ("small", small))}
    confident = {name: found[found.confidence >= 0.4] for name, found in boxes.items()}
    assert len(confident["square"]) >= 4
    for name in ("rect", "small"):
        iou = sv.box_iou_batch(confident["square"].xyxy, boxes[name].xyxy)
        matched = (iou.max(axis=1, initial=0) >= 0.7).mean()
        assert matched >= 0.8, f"{name}: {matched:.0%} of the square input's people found again"


def test_yolox_as_exported_keeps_the_fixed_size(yolox_model):
    with pytest.raises(CrowdcountError, match=r"input size 640: yolox_nano\.onnx takes a fixed 416x416"):
        YoloxOnnxDetector(yolox_model, imgsz=640, prepare=False)


def test_corrupt_onnx_file_is_a_clear_error(tmp_path):
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a model")
    with pytest.raises(CrowdcountError, match="cannot load ONNX model"):
        load_detector(resolve_model(str(broken)))


def test_ultralytics_backend_runs_a_saved_model_on_a_real_frame(tmp_path, pets_video, monkeypatch):
    """Plumbing only: an architecture from Ultralytics' yaml with random weights, saved as .pt."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("YOLO_OFFLINE", "1")
    monkeypatch.setenv("YOLO_AUTOINSTALL", "0")
    from ultralytics import YOLO

    YOLO("yolo11n.yaml").save(tmp_path / "random11n.pt")
    detector = load_detector(resolve_model(str(tmp_path / "random11n.pt")), imgsz=320)
    assert isinstance(detector, UltralyticsDetector)
    detections = detector.detect(frames(pets_video, [0])[0])
    assert isinstance(detections, sv.Detections)
    assert detections.xyxy.shape[1] == 4 and set(detections.class_id.tolist()) <= {0}


@pytest.mark.parametrize("fmt", ["onnx", "openvino"])
def test_ultralytics_weights_exported_for_onnxruntime_or_openvino_run_on_a_real_frame(
    fmt, tmp_path, pets_video, monkeypatch
):
    """`crowdcount export-model` on a .pt (random weights: plumbing), then the export runs."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("YOLO_OFFLINE", "1")
    monkeypatch.setenv("YOLO_AUTOINSTALL", "0")
    from ultralytics import YOLO

    YOLO("yolo11n.yaml").save(tmp_path / "random11n.pt")
    result = crowdcount("export-model", tmp_path / "random11n.pt", "--format", fmt, "--imgsz", 320)
    assert result.returncode == 0, result.stderr
    exported = tmp_path / ("random11n.onnx" if fmt == "onnx" else "random11n_openvino_model")
    assert exported.exists() and f"--model {exported}" in " ".join(result.stdout.split())
    detector = load_detector(resolve_model(str(exported)), imgsz=320)
    assert isinstance(detector, UltralyticsDetector)
    detections = detector.detect(frames(pets_video, [0])[0])
    assert detections.xyxy.shape[1] == 4 and set(detections.class_id.tolist()) <= {0}


def test_export_needs_pt_weights(tmp_path):
    result = crowdcount("export-model", tmp_path / "model.onnx")
    assert result.returncode == 2 and "not an Ultralytics .pt file" in result.stderr


def test_model_resolution_order(tmp_path, monkeypatch):
    for name in ("a.onnx", "b.pt", "c.onnx", "d.onnx"):
        (tmp_path / name).write_bytes(b"")
    folder = tmp_path / "dir"
    folder.mkdir()
    (folder / "y.onnx").write_bytes(b"")
    (folder / "y.onnx.card.yaml").write_text("name: ours\nlicence: MIT\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(MODEL_ENV, str(tmp_path / "c.onnx"))
    monkeypatch.setenv(MODEL_DIR_ENV, str(folder))
    assert resolve_model(str(tmp_path / "b.pt"), "d.onnx").reference.endswith("b.pt")
    assert resolve_model(None, "d.onnx").reference.endswith("c.onnx")
    monkeypatch.delenv(MODEL_ENV)
    assert resolve_model(None, str(tmp_path / "d.onnx")).reference.endswith("d.onnx")
    assert resolve_model().reference.endswith("y.onnx")  # described by its user as licence-clean
    monkeypatch.delenv(MODEL_DIR_ENV)
    (tmp_path / "models").mkdir()
    shutil.copy(tmp_path / "b.pt", tmp_path / "models" / "b.pt")  # no card: its licence is unknown
    chosen = resolve_model()
    assert chosen.how == "embedded default" and chosen.passed_over == (
        f"{Path('models') / 'b.pt'} (no model card: licence unknown)",
    )


def test_missing_model_file_is_one_line_and_nothing_downloads(tmp_path):
    with pytest.raises(
        CrowdcountError, match=r"the model argument: .*missing\.onnx is neither a model file nor"
    ):
        resolve_model(str(tmp_path / "missing.onnx"))
    with pytest.raises(CrowdcountError, match=r"yolo11n\.pt is neither a model file nor a model name"):
        resolve_model("yolo11n.pt")


def test_a_region_keeps_the_scale_of_the_whole_frame():
    from crowdcount.detect.roi import region_imgsz

    assert region_imgsz((0, 0, 768, 576), 576, 768, 416) == 416
    assert region_imgsz((423, 134, 577, 458), 576, 768, 416) == 176  # 324 px tall: 324 * 416 / 768
    assert region_imgsz((10, 10, 20, 20), 576, 768, 416) == 32  # never below the model's stride


def test_region_detector_returns_full_frame_boxes_for_people_inside(pets_video, yolox_model):
    from crowdcount.config import parse_config
    from crowdcount.detect.roi import RegionDetector, counter_region

    camera = parse_config(
        {
            "cameras": [
                {
                    "id": "c",
                    "lines": [{"id": "l", "points": [[500, 250], [500, 400]], "in_direction": [1, 0]}],
                }
            ]
        }
    ).cameras[0]
    region = counter_region(camera, 768, 576, margin=0.1)
    assert region == (423, 134, 577, 458)  # 500 -+ 76.8, 250 - 115.2, 400 + 57.6 (rounded outwards)
    image = frames(pets_video, [0])[0]
    full = load_detector(resolve_model(str(yolox_model))).detect(image)
    cropped = RegionDetector(load_detector(resolve_model(str(yolox_model))), region).detect(image)
    inside = full[(full.xyxy[:, 0] >= region[0] + 8) & (full.xyxy[:, 2] <= region[2] - 8)]
    inside = inside[(inside.xyxy[:, 1] >= region[1] + 8) & (inside.xyxy[:, 3] <= region[3] - 8)]
    inside = inside[inside.confidence > 0.5]
    assert len(inside) >= 1
    iou = sv.box_iou_batch(inside.xyxy, cropped.xyxy)
    assert (iou.max(axis=1) > 0.7).all()  # same people, same place in the frame


def _edited_yolox(yolox_model: Path, target: Path, edit: Callable[[onnx.GraphProto], None]) -> Path:
    model = onnx.load(str(yolox_model))
    edit(model.graph)
    onnx.save(model, str(target))
    return target


def test_yolox_with_another_head_is_prepared_without_cutting_it(tmp_path, pets_video, yolox_model):
    """A head whose class convolutions are not named as in YOLOX's exports keeps all 80 classes."""

    def rename_class_head(graph: onnx.GraphProto) -> None:
        renamed = {t.name: t.name.replace("cls_preds", "class_conv") for t in graph.initializer}
        for tensor in graph.initializer:
            tensor.name = renamed[tensor.name]
        for node in graph.node:
            node.input[:] = [renamed.get(name, name) for name in node.input]

    other = YoloxOnnxDetector(_edited_yolox(yolox_model, tmp_path / "other.onnx", rename_class_head))
    usual = YoloxOnnxDetector(yolox_model)
    assert other.prepared and other.name.endswith("@416 rect")
    canvas, _ = letterbox(frames(pets_video, [100])[100], 416, multiple=32)
    assert other.session.run(None, {other.input_name: canvas[None]})[0].shape[2] == 85
    image = frames(pets_video, [100])[100]
    np.testing.assert_array_equal(other.detect(image).xyxy, usual.detect(image).xyxy)


def test_yolox_that_needs_its_fixed_size_is_used_as_exported(tmp_path, pets_video, yolox_model):
    """A graph that hard-codes its input shape fails the non-square probe and runs square."""

    def fix_the_input_shape(graph: onnx.GraphProto) -> None:
        shape = onnx.numpy_helper.from_array(np.array([1, 3, 416, 416], dtype=np.int64), "fixed_shape")
        graph.initializer.append(shape)
        for node in graph.node:
            node.input[:] = ["fixed_images" if name == "images" else name for name in node.input]
        graph.node.insert(0, onnx.helper.make_node("Reshape", ["images", "fixed_shape"], ["fixed_images"]))

    fixed = YoloxOnnxDetector(_edited_yolox(yolox_model, tmp_path / "fixed.onnx", fix_the_input_shape))
    assert not fixed.prepared and fixed.name.endswith("@416")
    square = YoloxOnnxDetector(yolox_model, prepare=False)
    image = frames(pets_video, [100])[100]
    np.testing.assert_array_equal(fixed.detect(image).xyxy, square.detect(image).xyxy)


def test_a_camera_sized_for_its_smallest_person_detects_at_that_input_size(tmp_path, pets_video, yolox_model):
    site = yaml.safe_load((ROOT / "examples" / "pets09.yaml").read_text())
    site["cameras"][0] |= {"source": str(pets_video), "smallest_person_px": 30}  # 768 * 24 / 30 -> 640
    config = tmp_path / "site.yaml"
    config.write_text(yaml.safe_dump(site))
    result = crowdcount(
        "process", pets_video, "--config", config, "--db", tmp_path / "c.db", "--model", yolox_model
    )
    assert result.returncode == 0, result.stderr
    (record,) = EventStore(tmp_path / "c.db", create=False).sources()
    assert record.model.endswith("at 640")
    assert len(EventStore(tmp_path / "c.db", create=False).events()) > 50


@pytest.mark.parametrize("command", ["process", "export-model"])
def test_a_pt_model_without_the_ultralytics_extra_is_one_line_naming_it(tmp_path, pets_video, command):
    weights = need_shared("models/ultralytics/fall_yolov8s.pt")
    copy = tmp_path / weights.name
    shutil.copy(weights, copy)
    hidden = "import sys; sys.modules['ultralytics'] = None; from crowdcount.cli import main; main()"
    db = tmp_path / "x.db"
    args = ["export-model", str(copy)]
    if command == "process":
        args = [
            "process",
            str(pets_video),
            "--config",
            str(EXAMPLE_CONFIG),
            "--model",
            str(copy),
            "--db",
            str(db),
        ]
    made = subprocess.run([sys.executable, "-c", hidden, *args], capture_output=True, text=True, timeout=300)
    lines = made.stderr.strip().splitlines()
    assert made.returncode == 2 and len(lines) == 1, made.stderr
    assert "fall_yolov8s.pt: Ultralytics models need the ultralytics extra" in lines[0]
    assert "pip install 'crowdcount[ultralytics]'" in lines[0]


def _has_cuda() -> bool:
    import onnxruntime as ort

    return "CUDAExecutionProvider" in ort.get_available_providers()


def test_on_the_cpu_the_pool_is_one_single_threaded_session_per_core(yolox_model):
    pool = load_detector(ModelChoice(str(yolox_model), "test"), threads=2, parallel=True, device="cpu")
    assert isinstance(pool, DetectorPool) and pool.parallel == 2 and pool.name.endswith("rect x2")
    copies = [pool._free.get() for _ in range(2)]
    assert copies[0] is not copies[1] and not any(copy.on_gpu for copy in copies)
    assert all(copy.session.get_providers() == ["CPUExecutionProvider"] for copy in copies)


def test_the_openvino_pool_shares_one_compiled_model_with_a_stream_and_a_request_per_copy(pets_video):
    pool = load_detector(resolve_model(), threads=2, parallel=True)
    assert isinstance(pool, DetectorPool) and pool.parallel == 2
    image = frames(pets_video, [0])[0]
    found = [pool.detect(image, 512) for _ in range(4)]
    copies = [pool._free.get() for _ in range(2)]
    assert copies[0]._compiled is copies[1]._compiled and list(copies[0]._compiled) == [(384, 512)]
    assert copies[0]._requests[(384, 512)] is not copies[1]._requests.get((384, 512))
    assert copies[0]._compiled[(384, 512)].get_property("NUM_STREAMS") == 2
    assert all(len(f) == len(found[0]) for f in found)  # the same boxes from either copy


@pytest.mark.skipif(_has_cuda(), reason="this ONNX Runtime has CUDA: the error for its absence cannot show")
def test_a_gpu_device_without_onnxruntime_gpu_is_one_line_naming_it(tmp_path, pets_video, yolox_model):
    config = yaml.safe_load(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    config["detector"] = {"device": "cuda"}
    site = tmp_path / "site.yaml"
    site.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    made = crowdcount(
        "process",
        str(pets_video),
        "--config",
        str(site),
        "--db",
        str(tmp_path / "x.db"),
        "--model",
        str(yolox_model),
    )
    lines = made.stderr.strip().splitlines()
    assert made.returncode == 2 and len(lines) == 1, made.stderr
    assert "detector device cuda: this ONNX Runtime has no CUDAExecutionProvider" in lines[0]
    assert "pip install 'onnxruntime-gpu[cuda,cudnn]'" in lines[0]
    embedded = crowdcount("process", str(pets_video), "--config", str(site), "--db", str(tmp_path / "x.db"))
    lines = embedded.stderr.strip().splitlines()
    assert embedded.returncode == 2 and len(lines) == 1, embedded.stderr
    assert "person-detection-0303.xml is an OpenVINO model" in lines[0] and "--model yolox-nano" in lines[0]


@pytest.mark.skipif(not _has_cuda(), reason="needs onnxruntime-gpu and a CUDA GPU (the GPU path)")
def test_on_a_gpu_the_detector_finds_the_people_the_cpu_finds(pets_video, pedestrian_model):
    """auto takes the GPU where ONNX Runtime has one; the boxes are the CPU's within float error."""
    image = frames(pets_video, [100])[100]
    gpu = YoloxOnnxDetector(pedestrian_model, device="auto")
    cpu = YoloxOnnxDetector(pedestrian_model, device="cpu")
    assert gpu.on_gpu and gpu.name.endswith(" on CUDA") and not cpu.on_gpu
    on_gpu, on_cpu = gpu.detect(image, 512), cpu.detect(image, 512)
    confident = on_cpu[on_cpu.confidence >= 0.4]
    assert len(confident) >= 4
    iou = sv.box_iou_batch(confident.xyxy, on_gpu.xyxy)
    assert (iou.max(axis=1) >= 0.95).all()
    pool = load_detector(ModelChoice(str(pedestrian_model), "test"), parallel=True)
    assert isinstance(pool, DetectorPool) and pool.parallel == GPU_FEEDERS
    assert len(pool.detect(image, 512)) == len(on_gpu)


def test_the_pool_has_a_session_per_core_this_process_may_use_not_per_core_of_the_machine(default_model):
    """Under ``taskset`` or a container's cpuset, copies beyond the allowed cores only contend."""
    code = (
        "import os; os.sched_setaffinity(0, {0}); from crowdcount.detect import ModelChoice, load_detector; "
        f"pool = load_detector(ModelChoice({str(default_model)!r}, 'test'), parallel=True, device='cpu'); "
        "print(pool.parallel)"
    )
    made = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == "1"


def test_the_scripted_detector_finds_each_block_of_a_synthetic_frame_where_it_was_drawn(tmp_path):
    walkers = synthetic.walkers_for(ins=2, outs=1)
    clip = synthetic.write_clip(tmp_path / "clip.avi", walkers, 60)
    (image,) = frames(clip, [50]).values()
    detector = load_detector(ModelChoice(str(synthetic.markers_model(tmp_path)), "test"))
    found = detector.detect(image)
    feet = found.get_anchors_coordinates(sv.Position.BOTTOM_CENTER).round().tolist()
    drawn = [w for w in walkers if w.x_at(50) is not None]
    assert len(found) == len(drawn) == 3 and set(found.class_id) == {0}
    for x, y in feet:
        assert any(abs(x - w.x_at(50)) <= 2 and abs(y - w.row) <= 2 for w in drawn), (x, y)


def test_a_markers_file_that_is_not_json_is_a_one_line_error(tmp_path):
    broken = tmp_path / "broken.markers"
    broken.write_text("min_area: 150")
    with pytest.raises(CrowdcountError, match=r"broken.markers: not a markers file \(JSON"):
        load_detector(ModelChoice(str(broken), "test"))
