// AVX-512 table: 64-byte vectors (F, BW for 8/16-bit lanes, VL, DQ). Built with those flags
// (CMakeLists.txt); chosen only when the processor reports all of them.
#if defined(__x86_64__) || defined(_M_X64)
#define ARGREDUCE_ISA isa_avx512
#define ARGREDUCE_VECTOR_BYTES 64
#include "argreduce/kernels/fill_table.inc"

namespace argreduce {
const KernelTable* kernel_table_avx512() {
    static const KernelTable t = isa_avx512::make_table("avx512");
    return &t;
}
}  // namespace argreduce
#else
#include "argreduce/kernels/table.hpp"
namespace argreduce {
const KernelTable* kernel_table_avx512() { return nullptr; }
}  // namespace argreduce
#endif
