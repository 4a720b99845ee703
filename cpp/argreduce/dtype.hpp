// The element types the core understands: ONE list, ARGREDUCE_DTYPES, from which every table is made.
//
// The enum, the name table, the kernel table (kernels/fill_table.inc), the executor's dispatch
// (visit_dtype), the fast path's NumPy mapping (src/ext/fast_path.cpp) and Python's dtype tables
// (argreduce._core.dtypes()) all expand this list, so a dtype added here is either complete
// everywhere or a compile error (see the static_asserts in keys.hpp).
#pragma once
#include <cstdint>
#include <cstddef>
#include <type_traits>

namespace argreduce {

// How a dtype becomes an order-preserving signed integer key (see keys.hpp). Time: int64 counts
// whose smallest value is NaT, which behaves as NaN does (NumPy's datetime64 and timedelta64).
enum class KeyKind { Bool, Signed, Unsigned, Float, Time };

// X(Enum, "name", itemsize, KeyKind, bit pattern of +inf: magnitudes above it are NaN; 0 if not a float)
// "datetime64" serves timedelta64 too: both are int64 counts with NaT, in any unit.
#define ARGREDUCE_DTYPES(X)                                   \
    X(Bool, "bool", 1, Bool, 0)                               \
    X(Int8, "int8", 1, Signed, 0)                             \
    X(UInt8, "uint8", 1, Unsigned, 0)                         \
    X(Int16, "int16", 2, Signed, 0)                           \
    X(UInt16, "uint16", 2, Unsigned, 0)                       \
    X(Int32, "int32", 4, Signed, 0)                           \
    X(UInt32, "uint32", 4, Unsigned, 0)                       \
    X(Int64, "int64", 8, Signed, 0)                           \
    X(UInt64, "uint64", 8, Unsigned, 0)                       \
    X(Float16, "float16", 2, Float, 0x7c00)                   \
    X(BFloat16, "bfloat16", 2, Float, 0x7f80)                 \
    X(Float32, "float32", 4, Float, 0x7f800000)               \
    X(Float64, "float64", 8, Float, 0x7ff0000000000000)       \
    X(DateTime64, "datetime64", 8, Time, 0)

enum class DType : int {
#define ARGREDUCE_ENUM(E, name, size, kind, inf) E,
    ARGREDUCE_DTYPES(ARGREDUCE_ENUM)
#undef ARGREDUCE_ENUM
    Count
};

struct DTypeInfo {
    const char* name;
    int itemsize;
    KeyKind kind;
    uint64_t inf_bits;
};

inline constexpr DTypeInfo kDTypes[] = {
#define ARGREDUCE_INFO(E, name, size, kind, inf) {name, size, KeyKind::kind, uint64_t(inf)},
    ARGREDUCE_DTYPES(ARGREDUCE_INFO)
#undef ARGREDUCE_INFO
};
inline constexpr int kDTypeCount = static_cast<int>(DType::Count);
static_assert(sizeof(kDTypes) / sizeof(kDTypes[0]) == static_cast<size_t>(kDTypeCount));

inline constexpr const DTypeInfo& info(DType t) { return kDTypes[static_cast<int>(t)]; }

// Calls f(std::integral_constant<DType, T>{}) for the runtime dtype t: the one switch over dtypes.
template <class F>
decltype(auto) visit_dtype(DType t, F&& f) {
    switch (t) {
#define ARGREDUCE_VISIT(E, name, size, kind, inf) \
    case DType::E: return f(std::integral_constant<DType, DType::E>{});
        ARGREDUCE_DTYPES(ARGREDUCE_VISIT)
#undef ARGREDUCE_VISIT
        case DType::Count: break;
    }
    return f(std::integral_constant<DType, DType::Bool>{});  // unreachable: callers pass a parsed dtype
}

// Returns false when `name` is not a dtype of the contract.
bool parse_dtype(const char* name, DType* out);

}  // namespace argreduce
