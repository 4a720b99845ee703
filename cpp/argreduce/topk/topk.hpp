// topk: the k best elements of every slice along one dim, in the contract's order (smaller key,
// then smaller index: ties in index order for both directions, NaN placed by the rule's key).
//
// The caller (src/argreduce/api.py) moves the reduced dim last, so a request is "outer dims x one
// reduced dim" with byte strides of any sign; dim=None arrives as one slice of the flattening.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "../argreduce.hpp"
#include "../dtype.hpp"
#include "../rule.hpp"

namespace argreduce {

struct TopkRequest {
    const char* data = nullptr;
    DType dtype = DType::Float32;
    bool swapped = false;
    Rule rule = Rule::Max;  // topk largest: Max (NaN first); smallest: NanMin (NaN last)
    std::vector<int64_t> outer_shape;    // the kept dims
    std::vector<int64_t> outer_strides;  // bytes
    int64_t n = 0;                       // the reduced dim's size (>= k)
    int64_t stride = 0;                  // its byte stride
    // Absent elements (where=, nulls): nonzero bytes mark present ones; nullptr when all are.
    const uint8_t* present = nullptr;
    std::vector<int64_t> present_outer_strides;
    int64_t present_stride = 0;
    int64_t k = 0;
    // numel(outer) * k each, row-major (outer..., k), best first. A slice with fewer than k present
    // elements ends in (kEmptyKey, kEmptyIndex) pairs. keys may be nullptr.
    int64_t* indices = nullptr;
    int64_t* keys = nullptr;
    // numel(outer) * k elements (itemsize bytes each), the same layout: the values at `indices`, as
    // raw copies. May be nullptr.
    char* values = nullptr;
    int threads = 1;
    std::function<bool()> interrupted = [] { return false; };
};

Status run_topk(const TopkRequest& request);

}  // namespace argreduce
