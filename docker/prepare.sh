#!/usr/bin/env bash
# Fills docker/build/ with everything docker/Dockerfile copies that is not in the repository:
#   docker/build/usrlib/reluflow-job.jar   the shaded job jar (job/target/reluflow-job.jar; ONNX Runtime not inside)
#   docker/build/lib/onnxruntime-*.jar     ONNX Runtime for the cluster's lib/ (parent-first, one native load per TM)
#   docker/build/models/mlp.onnx, cnn.onnx the demo models (./reluflow model make)
#   docker/build/frames/mlp.avro, cnn.avro the demo frames the replayer streams (./reluflow frames make)
#   docker/build/cli/                      the ReluFlow CLI (reluflow-cli.jar + lib/) for the replayer image
# Usage: docker/prepare.sh            (CPU ONNX Runtime)
#        MVN_ARGS=-Pgpu docker/prepare.sh   (ONNX Runtime's GPU package instead)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/docker/build"
cd "$root"

# 1. Build the job jar and the CLI (with its runtime classpath in cli/target/lib, ONNX Runtime included).
mvn -B -DskipTests ${MVN_ARGS:-} package -pl job,cli -am

job_jar="job/target/reluflow-job.jar"
if [ ! -f "$job_jar" ]; then
  echo "prepare: $job_jar is missing: the job module must build a shaded jar with finalName reluflow-job" >&2
  exit 1
fi
if jar tf "$job_jar" | grep -q '^ai/onnxruntime/'; then
  echo "prepare: $job_jar contains ai/onnxruntime/: ONNX Runtime must stay out of the job jar (it goes to /opt/flink/lib)" >&2
  exit 1
fi
ort_jars=(cli/target/lib/onnxruntime*.jar)
if [ "${#ort_jars[@]}" -ne 1 ] || [ ! -f "${ort_jars[0]}" ]; then
  echo "prepare: expected exactly one ONNX Runtime jar in cli/target/lib, found: ${ort_jars[*]}" >&2
  exit 1
fi

rm -rf "$out"
mkdir -p "$out/usrlib" "$out/lib" "$out/models" "$out/frames" "$out/cli"

# 2. The cluster image's inputs.
cp "$job_jar" "$out/usrlib/reluflow-job.jar"
cp "${ort_jars[0]}" "$out/lib/"

# 3. The replayer image's inputs: the CLI and its classpath.
cp cli/target/reluflow-cli.jar "$out/cli/reluflow-cli.jar"
cp -r cli/target/lib "$out/cli/lib"

# 4. Demo models and frames.
./reluflow model make --kind mlp --out docker/build/models/mlp.onnx
./reluflow model make --kind cnn --out docker/build/models/cnn.onnx
./reluflow frames make --kind mlp --count 5000 --out docker/build/frames/mlp.avro
./reluflow frames make --kind cnn --count 2000 --out docker/build/frames/cnn.avro

echo "prepare: docker/build is ready; now: docker compose -f docker/docker-compose.yml up --build"
