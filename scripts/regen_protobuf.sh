#!/usr/bin/env sh
# Regenerate the protobuf module the client library and the emulator share (dev time only; they
# need just the `protobuf` runtime). The generator version is pinned so the output is reproducible.
set -eu
cd "$(dirname "$0")/.."
GRPCIO_TOOLS_VERSION=1.85.1
PYTHON="${PYTHON:-.venv/bin/python}"
if ! "$PYTHON" -c "import grpc_tools, sys; from importlib.metadata import version; sys.exit(version('grpcio-tools') != '$GRPCIO_TOOLS_VERSION')" 2>/dev/null; then
    "$PYTHON" -m pip install --quiet "grpcio-tools==$GRPCIO_TOOLS_VERSION"
fi
PROTO_DIR=convenience/webpubsub/_proto
"$PYTHON" -m grpc_tools.protoc -I "$PROTO_DIR" --python_out="$PROTO_DIR" \
    "$PROTO_DIR/webpubsub_client.proto"
