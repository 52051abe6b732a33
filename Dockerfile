# MedGo: JupyterLab with the "Go (MedGo)" kernel and mlkit pre-built.
#
#   docker build -t medgo .                          # CPU image, cells run on ONNX Runtime
#   docker build --build-arg WITH_XLA=1 -t medgo:xla .  # also the XLA PJRT CPU plugin
#   docker run --rm -p 127.0.0.1:8888:8888 medgo     # prints the URL with a fresh token
#
# docker/README.md explains the build arguments, volumes, tokens and the CUDA variant.

# Jupyter docker-stacks base image at a dated tag. For a byte-for-byte reproducible base,
# pass the digest instead: --build-arg BASE_IMAGE=quay.io/jupyter/base-notebook@sha256:<digest>
ARG BASE_IMAGE=quay.io/jupyter/base-notebook:2026-07-28

FROM ${BASE_IMAGE}

# Go toolchain: must equal the "go" line of go.mod (a test in docker/ checks it).
ARG GO_VERSION=1.26.8
ARG GO_ARCH=amd64
# SHA-256 of go${GO_VERSION}.linux-${GO_ARCH}.tar.gz as published on https://go.dev/dl/
# (machine-readable: https://go.dev/dl/?mode=json&include=all). Change it together with
# GO_VERSION or GO_ARCH; the build stops when it is empty or does not match the download.
ARG GO_SHA256=d0f743b33e8d8945e6b1f432edd15785c70507121d6e2a723b21285eddf8b57b

# WITH_XLA=1 also installs a PJRT plugin with go-xla's installer (docker/xlainstall).
# XLA_PLUGIN: cpu (default), cuda12 or cuda13. XLA_VERSION: empty for the CPU plugin version
# pinned by the go-xla release in go.sum; for CUDA the Jax version to take the plugin from.
ARG WITH_XLA=0
ARG XLA_PLUGIN=cpu
ARG XLA_VERSION=

# ONNX Runtime, the kernel's default engine: the CPU library inside the npm package
# onnxruntime-node, taken from the npm registry's tarball and checked against the SHA-256 MedGo
# pins (kernel/onnx.go, linux/amd64) before it is installed. WITH_ONNX=0 leaves it out (cells
# then run on the pure-Go backend).
ARG WITH_ONNX=1
ARG ORT_VERSION=1.30.0
ARG ORT_SHA256=ffb75a925ba05e47b235bb66e3e3911714a80b328a9c9425539feb204aa32a23

LABEL org.opencontainers.image.title="MedGo" \
      org.opencontainers.image.description="JupyterLab with the Go (MedGo) kernel for healthcare machine learning in Go"

SHELL ["/bin/bash", "-o", "pipefail", "-c"]

USER root

# A C toolchain for cgo (the ONNX Runtime and XLA backends load their libraries through it).
RUN apt-get update --yes && \
    apt-get install --yes --no-install-recommends gcc libc6-dev && \
    apt-get clean && rm -rf /var/lib/apt/lists/*

# Go from the official archive, checksum verified before anything is unpacked.
RUN set -e; \
    if [ -z "${GO_SHA256}" ]; then \
      echo "ERROR: build argument GO_SHA256 is empty." >&2; \
      echo "  Pass the SHA-256 of go${GO_VERSION}.linux-${GO_ARCH}.tar.gz as listed on https://go.dev/dl/:" >&2; \
      echo "  docker build --build-arg GO_SHA256=<64 hex digits> ." >&2; \
      exit 1; \
    fi; \
    wget --quiet -O /tmp/go.tar.gz "https://go.dev/dl/go${GO_VERSION}.linux-${GO_ARCH}.tar.gz"; \
    echo "${GO_SHA256}  /tmp/go.tar.gz" | sha256sum -c -; \
    tar -C /usr/local -xzf /tmp/go.tar.gz; \
    rm /tmp/go.tar.gz; \
    /usr/local/go/bin/go version | grep -q "go${GO_VERSION} " || { echo "ERROR: unpacked Go is not go${GO_VERSION}" >&2; exit 1; }

# GOEXPERIMENT=simd gives the pure-Go backend its fast matmul. It is part of the build cache key,
# so the pre-build below and the kernel's cell builds must see the same value: keep it in ENV.
ENV PATH="/usr/local/go/bin:/home/${NB_USER}/go/bin:${PATH}" \
    GOTOOLCHAIN=local \
    GOEXPERIMENT=simd \
    MEDGO_ROOT=/opt/medgo \
    MEDGO_WORK_DIR=/home/${NB_USER}/work \
    MEDGO_TUTORIALS=/opt/medgo/notebooks \
    MEDGO_CACHE=/home/${NB_USER}/.cache/medgo \
    MEDGO_WITH_XLA=${WITH_XLA} \
    MEDGO_WITH_ONNX=${WITH_ONNX} \
    MEDGO_XLA_PLUGIN=${XLA_PLUGIN} \
    JUPYTER_CONFIG_PATH=/etc/medgo/jupyter \
    MEDGO_IP=0.0.0.0 \
    MEDGO_PORT=8888

# Optional PJRT plugin, installed system-wide where go-xla looks for it (/usr/local/lib/go-xla).
COPY docker/xlainstall/ /tmp/xlainstall/
RUN set -e; \
    case "${WITH_XLA}" in \
      0) echo "WITH_XLA=0: pure-Go backend only"; rm -rf /tmp/xlainstall; exit 0 ;; \
      1) ;; \
      *) echo "ERROR: WITH_XLA must be 0 or 1, got '${WITH_XLA}'" >&2; exit 1 ;; \
    esac; \
    cd /tmp/xlainstall; \
    export GOPATH=/tmp/xla-gopath GOCACHE=/tmp/xla-gocache; \
    go run . -plugin="${XLA_PLUGIN}" -version="${XLA_VERSION}" -path=/usr/local/lib/go-xla; \
    go clean -modcache; \
    cd /; rm -rf /tmp/xlainstall /tmp/xla-gopath /tmp/xla-gocache

# The library goes outside the user's cache volume, so a fresh volume does not hide it;
# MEDGO_ONNXRUNTIME_LIB tells medgo install (which verifies it again) and mlkit where it is.
RUN set -e; \
    case "${WITH_ONNX}" in \
      0) echo "WITH_ONNX=0: no ONNX Runtime; cells run on the pure-Go backend"; exit 0 ;; \
      1) ;; \
      *) echo "ERROR: WITH_ONNX must be 0 or 1, got '${WITH_ONNX}'" >&2; exit 1 ;; \
    esac; \
    if [ "${GO_ARCH}" != "amd64" ]; then echo "ERROR: ORT_SHA256 pins the linux/amd64 library; build with WITH_ONNX=0 for ${GO_ARCH}" >&2; exit 1; fi; \
    wget --quiet -O /tmp/ort.tgz "https://registry.npmjs.org/onnxruntime-node/-/onnxruntime-node-${ORT_VERSION}.tgz"; \
    tar -xzf /tmp/ort.tgz -C /tmp package/bin/napi-v6/linux/x64/libonnxruntime.so.1; \
    echo "${ORT_SHA256}  /tmp/package/bin/napi-v6/linux/x64/libonnxruntime.so.1" | sha256sum -c -; \
    install -D -m 0644 /tmp/package/bin/napi-v6/linux/x64/libonnxruntime.so.1 /usr/local/lib/medgo/libonnxruntime.so.1; \
    rm -rf /tmp/ort.tgz /tmp/package
ENV MEDGO_ONNXRUNTIME_LIB=/usr/local/lib/medgo/libonnxruntime.so.1

# Scripts and Jupyter settings.
COPY docker/start.sh /usr/local/bin/medgo-start
COPY docker/healthcheck.sh /usr/local/bin/medgo-healthcheck
COPY docker/jupyter/ /etc/medgo/jupyter/
RUN chmod 0755 /usr/local/bin/medgo-start /usr/local/bin/medgo-healthcheck && \
    chmod -R a+rX /etc/medgo && \
    mkdir -p /opt/medgo "${MEDGO_CACHE}" "${MEDGO_WORK_DIR}" && \
    chown "${NB_UID}:${NB_GID}" /opt/medgo "${MEDGO_CACHE}" "${MEDGO_WORK_DIR}" "/home/${NB_USER}/.cache" && \
    ln -s /opt/medgo/bin/medgo /usr/local/bin/medgo

USER ${NB_UID}
WORKDIR /opt/medgo

# Modules first, so that editing the sources does not download them again.
COPY --chown=${NB_UID}:${NB_GID} go.mod go.sum ./
RUN go mod download

# The project, then the kernel: "medgo install" builds the pinned gonb/goimports/gopls, pre-builds
# mlkit into the Go build cache with the engine's tags and flags (so the first cell compiles in
# seconds) and registers the kernelspec; --onnx makes a library that fails its check an error.
COPY --chown=${NB_UID}:${NB_GID} . .
RUN set -e; \
    go build -o bin/medgo ./kernel; \
    if [ "${WITH_XLA}" = "1" ]; then GOFLAGS="-tags=xla" bin/medgo install --onnx=false; \
    elif [ "${WITH_ONNX}" = "1" ]; then bin/medgo install --onnx; \
    else bin/medgo install --onnx=false; fi; \
    jupyter kernelspec list --json | python3 -c 'import json, sys; ks = json.load(sys.stdin)["kernelspecs"]; sys.exit(0 if "medgo" in ks else "medgo install did not register the medgo kernelspec")'

# Tutorials in the user's work directory (start.sh copies them again into an empty volume).
RUN mkdir -p "${MEDGO_WORK_DIR}/tutorials" && \
    cp -R "${MEDGO_TUTORIALS}/." "${MEDGO_WORK_DIR}/tutorials/"

WORKDIR /home/${NB_USER}/work
VOLUME ["${MEDGO_CACHE}"]
EXPOSE 8888

HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["/usr/local/bin/medgo-healthcheck"]

ENTRYPOINT ["tini", "-g", "--"]
CMD ["medgo-start"]
