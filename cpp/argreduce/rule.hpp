// The rule a reduction ranks elements by: its direction and what a NaN does.
//
// This is the core's half of "a reduction is a value" (PyTorch's SharedReduceOps.h is the model):
// the kernels are written once over keys, and a rule only changes how an element becomes a key
// (keys.hpp). What else a reduction is (whether it returns values, its errors) lives above the core,
// in src/argreduce/reduction.py, whose `rule` field names one of these.
//
// To add a rule: one X(...) line below, then the key it implies in make_key (keys.hpp); every
// kernel table and the binding expand this list.
#pragma once
#include <cstring>

#include "dtype.hpp"

namespace argreduce {

enum class Nan {
    Wins,   // the first NaN is the answer (torch.argmin, NumPy's argmin)
    Skipped // NaN takes no part; a slice of nothing but NaN is reported by its key (NumPy's nanargmin)
};

// X(Enum, "name", largest first?, NaN policy)
#define ARGREDUCE_RULES(X)              \
    X(Min, "min", false, Wins)          \
    X(Max, "max", true, Wins)           \
    X(NanMin, "nanmin", false, Skipped) \
    X(NanMax, "nanmax", true, Skipped)

enum class Rule : int {
#define ARGREDUCE_ENUM(E, name, largest, nan) E,
    ARGREDUCE_RULES(ARGREDUCE_ENUM)
#undef ARGREDUCE_ENUM
    Count
};

struct RuleInfo {
    const char* name;
    bool largest;
    Nan nan;
};

inline constexpr RuleInfo kRules[] = {
#define ARGREDUCE_INFO(E, name, largest, nan) {name, largest, Nan::nan},
    ARGREDUCE_RULES(ARGREDUCE_INFO)
#undef ARGREDUCE_INFO
};
inline constexpr int kRuleCount = static_cast<int>(Rule::Count);
static_assert(sizeof(kRules) / sizeof(kRules[0]) == static_cast<size_t>(kRuleCount));

inline constexpr const RuleInfo& info(Rule r) { return kRules[static_cast<int>(r)]; }
inline constexpr bool largest(Rule r) { return info(r).largest; }

// The rule whose kernels serve `r` on a dtype of kind `kind`: a NaN policy means nothing to a
// dtype without NaN, so integers and bool share the NaN-wins kernels (half the instantiations).
inline constexpr Rule kernel_rule(Rule r, KeyKind kind) {
    if (kind == KeyKind::Float || kind == KeyKind::Time) return r;
    return largest(r) ? Rule::Max : Rule::Min;
}

inline bool parse_rule(const char* name, Rule* out) {
    for (int i = 0; i < kRuleCount; ++i)
        if (!std::strcmp(kRules[i].name, name)) {
            *out = static_cast<Rule>(i);
            return true;
        }
    return false;
}

}  // namespace argreduce
