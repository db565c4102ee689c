# Preloads jemalloc (Debian libjemalloc2) with decay off: glibc malloc mmaps/unmaps every >=32 MiB tensor each step.
JEMALLOC=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
if [ -f "$JEMALLOC" ]; then
  export LD_PRELOAD="$JEMALLOC${LD_PRELOAD:+:$LD_PRELOAD}"
  export MALLOC_CONF="dirty_decay_ms:-1,muzzy_decay_ms:-1"
else
  echo "hint: install libjemalloc2 for ~6x faster CPU training (apt-get install libjemalloc2)" >&2
fi
