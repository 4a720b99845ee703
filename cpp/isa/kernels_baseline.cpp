// Baseline table: 16-byte vectors, which every x86-64 (SSE2) and arm64 (NEON) processor has.
#define ARGREDUCE_ISA isa_baseline
#define ARGREDUCE_VECTOR_BYTES 16
#include "argreduce/kernels/fill_table.inc"

namespace argreduce {
const KernelTable* kernel_table_baseline() {
    static const KernelTable t = isa_baseline::make_table("baseline");
    return &t;
}
}  // namespace argreduce
