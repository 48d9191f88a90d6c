#!/usr/bin/env bash
# Ejecuta capítulos en modo completo en otra máquina (por ejemplo una GPU sin internet) y
# empaqueta los cuadernos ejecutados para traerlos con `tools/bookcache.py import`.
#
# Uso:  tools/remote_full_run.sh SALIDA CAPÍTULO [CAPÍTULO…]
#   PARALLEL  capítulos a la vez (por omisión 4; en una GPU grande caben varios)
#   LIMIT     segundos como máximo por capítulo (por omisión 3000)
# Deja en SALIDA/salidas.tar.gz los .ipynb, un registro por capítulo y estado.txt.
set -u
out="$1"; shift
parallel="${PARALLEL:-4}"
limit="${LIMIT:-3000}"
work="$(mktemp -d)"
export CNNLAB_MODE=completo
for chapter in "$@"; do
  (
    start=$(date +%s)
    timeout "$limit" python3 tools/bookcache.py run "$chapter" --mode completo --out "$work" \
      > "$work/$chapter.log" 2>&1
    echo "$chapter rc=$? segundos=$(( $(date +%s) - start ))" >> "$work/estado.txt"
  ) &
  while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do sleep 1; done
done
wait
cat "$work/estado.txt"
mkdir -p "$out"
tar -czf "$out/salidas.tar.gz" -C "$work" .
