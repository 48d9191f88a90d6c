#!/usr/bin/env bash
# Ejecuta capítulos en modo completo en otra máquina (por ejemplo una GPU sin internet ni
# TensorFlow, solo con Python, JAX y la carpeta de ruedas) y deja los cuadernos ejecutados
# listos para traerlos con `python tools/bookcache.py import SALIDA/*.ipynb`.
#
# Uso:  tools/remote_full_run.sh SALIDA CAPÍTULO [CAPÍTULO…]
#   WHEELS           carpeta de ruedas que añade Keras, nbclient, jupytext… (se instalan en una
#                    carpeta temporal y se usan con PYTHONPATH); vacía si ya están instaladas
#   CNNLAB_DATA_DIR  carpeta de datos con la estructura oficial (obligatoria sin internet)
#   KERAS_BACKEND    por omisión jax
#   LIMIT            segundos como máximo por capítulo (por omisión 3000)
#   DEADLINE         segundos para toda la tanda (por omisión sin límite): un capítulo que ya
#                    no puede empezar con al menos MIN_START segundos por delante no empieza
#   MIN_START        por omisión 60
#
# Los capítulos corren de uno en uno, en el orden dado, porque publican sus tiempos. JAX no
# reserva toda la memoria de la GPU (XLA_PYTHON_CLIENT_PREALLOCATE=false), así que puede
# compartirla. Deja en SALIDA un .ipynb por capítulo terminado, su registro (.log) y
# estado.txt (código de salida y segundos de cada uno).
set -u
out="$1"; shift
limit="${LIMIT:-3000}"
deadline="${DEADLINE:-0}"
min_start="${MIN_START:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
export CNNLAB_MODE=completo
export KERAS_BACKEND="${KERAS_BACKEND:-jax}"
export XLA_PYTHON_CLIENT_PREALLOCATE=false
export PYTHONUNBUFFERED=1
export PYTHONPATH="$root/code${PYTHONPATH:+:$PYTHONPATH}"
if [ -n "${WHEELS:-}" ]; then
  site="$(mktemp -d)"
  python3 -m pip install -q --no-index --no-deps --no-compile --target "$site" "$WHEELS"/*.whl \
    || { echo "No se pudieron instalar las ruedas de $WHEELS" >&2; exit 1; }
  export PYTHONPATH="$PYTHONPATH:$site"
fi
python3 - <<'EOF' || exit 1
import keras, nbclient, jupytext  # noqa: F401  (falla aquí, no a mitad de un capítulo)
print(f"Keras {keras.__version__} con backend {keras.backend.backend()}")
if keras.backend.backend() == "jax":
    import jax
    print("dispositivos de JAX:", ", ".join(d.device_kind for d in jax.devices()))
EOF
start_all=$(date +%s)
for chapter in "$@"; do
  now=$(date +%s)
  if [ "$deadline" -gt 0 ] && [ $(( start_all + deadline - now )) -lt "$min_start" ]; then
    echo "$chapter no empieza: quedan menos de $min_start s de la tanda" | tee -a "$out/estado.txt"
    continue
  fi
  budget="$limit"
  if [ "$deadline" -gt 0 ] && [ $(( start_all + deadline - now )) -lt "$budget" ]; then
    budget=$(( start_all + deadline - now ))
  fi
  start=$(date +%s)
  timeout "$budget" python3 "$root/tools/bookcache.py" run "$chapter" --mode completo --echo \
    --out "$out" > "$out/$chapter.log" 2>&1
  echo "$chapter rc=$? segundos=$(( $(date +%s) - start ))" | tee -a "$out/estado.txt"
done
