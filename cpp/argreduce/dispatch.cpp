// Picks the kernel table once: the widest instruction set this processor runs, unless
// $ARGREDUCE_ISA names another (for tests and benchmarks, like NumPy's NPY_DISABLE_CPU_FEATURES).
#include <cctype>
#include <cstdlib>
#include <cstring>

#include "kernels/table.hpp"

namespace argreduce {
namespace {

bool cpu_has(const char* isa) {
#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
    if (!std::strcmp(isa, "avx2")) return __builtin_cpu_supports("avx2");
    if (!std::strcmp(isa, "avx512"))
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
#endif
    return !std::strcmp(isa, "baseline");
}

// "AVX2" and "avx2" name the same table. (Python warns about a name that matches none: isa_env.py.)
bool same_name(const char* a, const char* b) {
    for (; *a && *b; ++a, ++b)
        if (std::tolower(static_cast<unsigned char>(*a)) != std::tolower(static_cast<unsigned char>(*b)))
            return false;
    return *a == *b;
}

const KernelTable* pick() {
    const KernelTable* tables[3];
    const int n = available_tables(tables, 3);
    if (const char* want = std::getenv("ARGREDUCE_ISA"); want && *want) {
        for (int i = 0; i < n; ++i)
            if (same_name(tables[i]->isa, want)) return tables[i];
    }
    return tables[0];
}

}  // namespace

int available_tables(const KernelTable** out, int max) {
    // Ask the processor first: building a table runs code compiled for that instruction set.
    struct Candidate {
        const char* isa;
        const KernelTable* (*table)();
    };
    const Candidate all[] = {{"avx512", kernel_table_avx512}, {"avx2", kernel_table_avx2},
                             {"baseline", kernel_table_baseline}};
    int n = 0;
    for (const Candidate& c : all)
        if (n < max && cpu_has(c.isa))
            if (const KernelTable* t = c.table()) out[n++] = t;
    return n;
}

const KernelTable& kernels() {
    static const KernelTable* chosen = pick();
    return *chosen;
}

bool parse_dtype(const char* name, DType* out) {
    for (int i = 0; i < static_cast<int>(DType::Count); ++i)
        if (!std::strcmp(kDTypes[i].name, name)) {
            *out = static_cast<DType>(i);
            return true;
        }
    return false;
}

}  // namespace argreduce
