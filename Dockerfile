# One image for every HotGigs service (web, worker, smtp, scheduler); docker-compose.yml picks
# the command. System packages match the Makefile's RUN_PACKAGES.
FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu tesseract-ocr-fra \
    tesseract-ocr-spa tesseract-ocr-por tesseract-ocr-ita tesseract-ocr-nld tesseract-ocr-pol \
    tesseract-ocr-rus tesseract-ocr-ell tesseract-ocr-chi-sim tesseract-ocr-jpn antiword swaks curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY hotgigs hotgigs
COPY bots bots
COPY pipeline pipeline
COPY storage storage
COPY matching matching
COPY digests digests
COPY scheduler scheduler
RUN pip install --no-cache-dir -c constraints.txt . \
 && useradd --create-home --uid 1000 hotgigs && mkdir -p /data && chown hotgigs /data
USER hotgigs
ENV HOTGIGS_DATA_DIR=/data HOTGIGS_HTTP_HOST=0.0.0.0 HOTGIGS_SMTP_HOST=0.0.0.0
EXPOSE 3000 2525
CMD ["hotgigs", "serve"]
