# The course's three commands (see README): set up, test, open the lessons.
VENV ?= .venv
PY := $(VENV)/bin/python
NOTEBOOKS ?= notebooks
LAB_PORT ?= 8888
EXECUTED ?= build/executed
BOOK ?= build/book
# OpenMP threads that sleep instead of spinning while they wait: on a shared 2-core machine a
# spinning torch trains ~2x slower (measured: 0.55 s vs 0.33 s per R(2+1)D step at load 4).
export OMP_WAIT_POLICY ?= PASSIVE

.PHONY: setup test unit check-full check-full-scale notebooks notebooks-full book book-check lab doctor lock clean benchmark-export benchmark-deployment

setup:  ## create .venv and install the pinned stack (mmcv's wheel is built once and cached)
	bash scripts/setup.sh

# The lessons run first: the unit tests that need a trained model (the deployable packages) then reuse the
# checkpoints lessons 03 and 06 trained from scratch, instead of training the same models again.
TEST_PHASES := notebooks unit check-full book-check=book notebooks-full
test:  ## everything CI runs, each phase timed: every lesson in smoke, unit tests, the full profile's config dry run, the book, every lesson in the full profile's dry run
	@MAKE=$(MAKE) bash scripts/phases.sh $(TEST_PHASES)

# The book's browser test is book-check's (on the book `make book` built), not run here a second time.
unit:
	COURSE_PROFILE=smoke $(PY) -m pytest tests -q --durations=15 --ignore=tests/tooling/test_book_browser.py

check-full:  ## offline dry run of the full profile: checkpoints, data layouts, 1 iteration + 1 evaluation each
	COURSE_PROFILE=smoke $(PY) -m course_lib.tooling.checkfull

notebooks:  ## execute every lesson top to bottom with nbval (lax: errors fail, outputs may differ)
	COURSE_PROFILE=smoke $(PY) -m pytest --nbval-lax --nbval-current-env --nbval-cell-timeout=900 \
	  -p tests.notebook_timings -p tests.executed_notebooks --executed-dir=$(EXECUTED) -q $(NOTEBOOKS)

notebooks-full:  ## every lesson in the full profile, offline (loopback hub mirror, fake checkpoints, miniature data, capped work); the last phase of make test
	$(PY) -m pytest --nbval-lax --nbval-current-env --nbval-cell-timeout=900 \
	  -p tests.full_dry_run --full-dry-run -p tests.executed_notebooks --executed-dir=build/executed-full \
	  -q $(NOTEBOOKS)

check-full-scale:  ## notebooks-full at the configs' real input sizes: each lesson's time and peak memory (not in make test)
	$(PY) -m pytest --nbval-lax --nbval-current-env --nbval-cell-timeout=3600 \
	  -p tests.full_dry_run --full-dry-run --dry-run-input-size=0 -p tests.executed_notebooks \
	  --executed-dir=build/executed-full-scale -q $(NOTEBOOKS)

book:  ## the executed lessons ($(EXECUTED), written by `make notebooks`) as a static site in $(BOOK)
	$(PY) -m course_lib.tooling.book --executed $(EXECUTED) --out $(BOOK)

book-check: book  ## open the book in headless Chromium, offline: index, navigation, figures, widgets
	COURSE_BOOK_DIR=$(BOOK) $(PY) -m pytest tests/tooling/test_book_browser.py -q

lab:  ## open the lessons in JupyterLab
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks --port=$(LAB_PORT) \
	  $(if $(filter 0,$(shell id -u)),--allow-root)

benchmark-export:  ## lesson 08's speed and accuracy bars (PyTorch vs OpenVINO FP32 vs INT8); run on an idle machine
	COURSE_PROFILE=smoke $(PY) scripts/benchmark_export.py

benchmark-deployment:  ## full-profile architectures at full input sizes, random weights: latency + throughput, dated record in docs/benchmarks (<= 15 min; idle machine)
	COURSE_PROFILE=smoke $(PY) scripts/benchmark_export.py --deployment

doctor:
	$(PY) -m course_lib doctor

stamp: test  ## after every check passed: record the date and versions the banner shows (course_lib/verified.json)
	$(PY) -m course_lib doctor --stamp

lock:  ## re-pin every transitive dependency after changing requirements/*.txt
	$(VENV)/bin/pip freeze --exclude-editable | grep -v -e "^-e" -e "^course_lib" | sed "s|^mmcv @ .*|mmcv==2.1.0|" > requirements/lock.txt

clean:  ## remove generated data, runs and the book (keeps .venv and the mmcv wheel cache)
	rm -rf data/ build/ .pytest_cache
