// AVX2 table: 32-byte vectors. Built with -mavx2 (CMakeLists.txt); chosen only when the processor
// reports AVX2, so nothing here runs elsewhere.
#if defined(__x86_64__) || defined(_M_X64)
#define ARGREDUCE_ISA isa_avx2
#define ARGREDUCE_VECTOR_BYTES 32
#include "argreduce/kernels/fill_table.inc"

namespace argreduce {
const KernelTable* kernel_table_avx2() {
    static const KernelTable t = isa_avx2::make_table("avx2");
    return &t;
}
}  // namespace argreduce
#else
#include "argreduce/kernels/table.hpp"
namespace argreduce {
const KernelTable* kernel_table_avx2() { return nullptr; }
}  // namespace argreduce
#endif
