"""Court packet: how long `build_packet` takes for a report with phone photos and a video, in
how much memory, and how long the standalone verify.py takes on the ZIP.

A fresh data directory gets the demo district (`vigil demo`); an officer's report gets
``--photos`` generated 12-megapixel JPEGs (4032×3024, noise: about 6.6 MB each) and a generated
``--video-mib`` MiB "video" (bench/evidence_upload.py's generator), ingested through the
evidence service; then the director builds the packet. verify.py runs under the system
``python3 -I`` on the unopened ZIP.

    .venv/bin/python bench/court_packet.py [--photos 6] [--video-mib 512] [--dir /tmp]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=6)
    parser.add_argument("--video-mib", type=int, default=512)
    parser.add_argument("--dir", default=tempfile.gettempdir(), help="Where to work (a disk).")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "court_packet.json"))
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="vigil-packet-bench-", dir=args.dir))
    os.environ["VIGIL_DATA_DIR"] = str(workdir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from evidence_upload import GeneratedFile
    from PIL import Image

    from vigil.accounts.models import User
    from vigil.evidence import services as evidence
    from vigil.incidents import services
    from vigil.incidents.packet import build_packet
    from vigil.sites.models import School

    try:
        call_command("migrate", verbosity=0)
        call_command("demo", "--if-empty", stdout=io.StringIO())
        officer = User.objects.get(username="officer")
        director = User.objects.get(username="director")
        school = School.objects.get(slug="cedar-hollow-hs")
        report = services.report_create(
            actor=officer,
            school=school,
            draft=services.ReportDraft(title="Benchmark: photos and a video", location_text="Gym"),
        )
        for n in range(args.photos):
            buffer = io.BytesIO()
            Image.effect_noise((4032, 3024), 40).convert("RGB").save(buffer, "JPEG", quality=85)
            upload = SimpleUploadedFile(f"photo-{n}.jpg", buffer.getvalue(), "image/jpeg")
            item = evidence.evidence_ingest(
                actor=officer, school=school, uploaded_file=upload, title=f"Photo {n}",
                reason="Photographed at the scene",
            )  # fmt: skip
            services.report_attach(actor=officer, report=report, item=item)
        if args.video_mib:
            video = evidence.evidence_ingest(
                actor=officer, school=school, uploaded_file=GeneratedFile(args.video_mib * 1024**2),
                title="Body camera", reason="Downloaded from the body camera",
            )  # fmt: skip
            services.report_attach(actor=officer, report=report, item=video)
        originals = sum(a.item.size for a in report.attachments.select_related("item"))
        rss_before = _peak_rss_mib()
        started = time.perf_counter()
        result = build_packet(
            actor=director, report=report, out_dir=workdir / "out", reason="Benchmark run"
        )
        seconds = time.perf_counter() - started
        rss_after = _peak_rss_mib()
        with tempfile.TemporaryDirectory() as folder:
            shutil.copy(ROOT / "vigil" / "evidence" / "bundle_verify.py", Path(folder) / "v.py")
            started = time.perf_counter()
            check = subprocess.run(
                ["python3", "-I", str(Path(folder) / "v.py"), str(result.zip_path)],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            verify_seconds = time.perf_counter() - started
        assert check.returncode == 0, check.stdout + check.stderr
        figures = {
            "photos": args.photos,
            "video_mib": args.video_mib,
            "originals_mb": round(originals / 1e6, 1),
            "build_packet_seconds": round(seconds, 2),
            "build_mb_per_s": round(originals / seconds / 1e6, 1),
            "pdf_kb": round(result.pdf_path.stat().st_size / 1e3),
            "zip_mb": round(result.zip_path.stat().st_size / 1e6, 1),
            "peak_rss_mib_before": round(rss_before, 1),
            "peak_rss_mib_after": round(rss_after, 1),
            "verify_py_seconds": round(verify_seconds, 2),
            "verify_py_last_line": check.stdout.splitlines()[-1],
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
