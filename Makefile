# `make run` and `make test` each do all the set-up on a fresh Debian machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# OCR models of the languages the parser reads (a scanned name in Cyrillic, Greek, CJK or with
# Latin accents is read again with them; about 20 MB together)
OCR_LANGUAGES := tesseract-ocr-deu tesseract-ocr-fra tesseract-ocr-spa tesseract-ocr-por \
	tesseract-ocr-ita tesseract-ocr-nld tesseract-ocr-pol tesseract-ocr-rus tesseract-ocr-ell \
	tesseract-ocr-chi-sim tesseract-ocr-jpn
RUN_PACKAGES := redis-server tesseract-ocr tesseract-ocr-eng $(OCR_LANGUAGES) antiword swaks
# prometheus: for its promtool, which checks and unit-tests deploy/prometheus/alerts.yml;
# curl: the readiness probe of SeaweedFS in scripts/ensure-test-services.sh
TEST_PACKAGES := $(RUN_PACKAGES) postgresql postgresql-client chromium chromium-driver prometheus \
	curl

.PHONY: run run-s3 test lint typecheck pytest system-run system-test services lock clean

run: system-run $(STAMP)
	$(BIN)/hotgigs db upgrade
	exec $(BIN)/hotgigs serve

# `make run-s3`: as `make run`, but the files live in this machine's SeaweedFS (S3 on
# 127.0.0.1:8333, started when down, with the local credentials the tests use too), in bucket
# hotgigs-run, instead of the data dir's folder. Existing local files: `hotgigs blobs migrate`.
S3_RUN_ENV := HOTGIGS_BLOB_URL=s3://hotgigs-run/blobs HOTGIGS_S3_ENDPOINT=http://127.0.0.1:8333 \
	HOTGIGS_S3_REGION=us-east-1 AWS_ACCESS_KEY_ID=hotgigs-test AWS_SECRET_ACCESS_KEY=hotgigs-test-secret
run-s3: system-run $(STAMP)
	@scripts/ensure-system-packages.sh curl
	scripts/ensure-seaweedfs.sh
	$(S3_RUN_ENV) $(BIN)/hotgigs blobs create-bucket
	$(BIN)/hotgigs db upgrade
	$(S3_RUN_ENV) exec $(BIN)/hotgigs serve

test: system-test $(STAMP) services lint typecheck pytest

system-run:
	@scripts/ensure-system-packages.sh $(RUN_PACKAGES)

system-test:
	@scripts/ensure-system-packages.sh $(TEST_PACKAGES)

services:
	@scripts/ensure-test-services.sh

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

# pytest exits 5 when it collected nothing: that is a failure, not a pass.
pytest: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider; code=$$?; \
	if [ $$code -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$code

# Refresh the pinned versions after changing pyproject.toml's ranges.
lock: $(STAMP)
	$(BIN)/pip freeze --exclude-editable | grep -v '^hotgigs' > constraints.txt

clean:
	rm -rf $(VENV) var
