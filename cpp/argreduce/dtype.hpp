// The element types the core understands, and the one type list that every dispatch goes through.
#pragma once
#include <cstdint>
#include <cstddef>

namespace argreduce {

enum class DType : int {
    Bool, Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64, Float16, BFloat16, Float32, Float64,
    Count
};

// How a dtype becomes an order-preserving signed integer key (see keys.hpp).
enum class KeyKind { Bool, Signed, Unsigned, Float };

struct DTypeInfo {
    const char* name;
    int itemsize;
    KeyKind kind;
};

inline constexpr DTypeInfo kDTypes[] = {
    {"bool", 1, KeyKind::Bool},         {"int8", 1, KeyKind::Signed},    {"uint8", 1, KeyKind::Unsigned},
    {"int16", 2, KeyKind::Signed},      {"uint16", 2, KeyKind::Unsigned}, {"int32", 4, KeyKind::Signed},
    {"uint32", 4, KeyKind::Unsigned},   {"int64", 8, KeyKind::Signed},   {"uint64", 8, KeyKind::Unsigned},
    {"float16", 2, KeyKind::Float},     {"bfloat16", 2, KeyKind::Float}, {"float32", 4, KeyKind::Float},
    {"float64", 8, KeyKind::Float},
};
static_assert(sizeof(kDTypes) / sizeof(kDTypes[0]) == static_cast<size_t>(DType::Count));

inline constexpr const DTypeInfo& info(DType t) { return kDTypes[static_cast<int>(t)]; }

// Returns false when `name` is not a dtype of the contract.
bool parse_dtype(const char* name, DType* out);

}  // namespace argreduce
