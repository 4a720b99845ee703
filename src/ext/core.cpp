// The Python binding of the native core: plain values in and out, no array-library types. The
// adapters (src/argreduce/adapters/) turn any array into (address, dtype, shape, byte strides) and
// keep its owner alive for the call; this file only checks sizes, releases the GIL and turns a
// Ctrl-C seen by the core into KeyboardInterrupt.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "argreduce/argreduce.hpp"
#include "argreduce/kernels/table.hpp"
#include "argreduce/partial.hpp"
#include "argreduce/read_probe.hpp"
#include "argreduce/topk/topk.hpp"
#include "fast_path.hpp"
#include "nearest.hpp"
#include "run_from_python.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace {

using Int64Array = nb::ndarray<int64_t, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
// An output buffer of any shape (the kept dims' shape), written in place.
using Int64Out = nb::ndarray<int64_t, nb::c_contig, nb::device::cpu>;

argreduce::Rule rule_of(int rule) {
    if (rule < 0 || rule >= argreduce::kRuleCount) throw nb::value_error("argreduce core: unknown rule");
    return static_cast<argreduce::Rule>(rule);
}

void reduce(uintptr_t address, const std::string& dtype, std::vector<int64_t> shape, std::vector<int64_t> strides,
            bool swapped, std::vector<bool> reduced, int rule, Int64Out indices, std::optional<Int64Out> keys,
            int threads, uintptr_t mask, std::vector<int64_t> mask_strides) {
    argreduce::Request r;
    if (!argreduce::parse_dtype(dtype.c_str(), &r.layout.dtype))
        throw nb::type_error(("argreduce core: unsupported dtype " + dtype).c_str());
    if (shape.size() != strides.size() || shape.size() != reduced.size())
        throw nb::value_error("argreduce core: shape, strides and reduced differ in length");
    int64_t expected_out = 1;
    for (size_t d = 0; d < shape.size(); ++d) {
        if (shape[d] < 0) throw nb::value_error("argreduce core: negative size");
        if (reduced[d] && shape[d] == 0) throw nb::value_error("argreduce core: empty reduced dim");
        if (!reduced[d]) expected_out *= shape[d];
    }
    const int64_t numel_out = static_cast<int64_t>(indices.size());
    if (expected_out != numel_out || (keys && static_cast<int64_t>(keys->size()) != numel_out))
        throw nb::value_error("argreduce core: output size does not match");
    r.layout.data = reinterpret_cast<const char*>(address);
    r.layout.swapped = swapped;
    r.layout.shape = std::move(shape);
    r.layout.strides = std::move(strides);
    r.layout.reduced = std::move(reduced);
    if (mask) {
        if (mask_strides.size() != r.layout.shape.size())
            throw nb::value_error("argreduce core: mask strides differ in length from the shape");
        const argreduce::DType dt = r.layout.dtype;
        if (argreduce::info(dt).itemsize == 8 && dt != argreduce::DType::Float64)
            throw nb::value_error("argreduce core: no wider key for a masked 8-byte integer");
        r.layout.mask = reinterpret_cast<const uint8_t*>(mask);
        r.layout.mask_strides = std::move(mask_strides);
    }
    r.rule = rule_of(rule);
    r.indices = indices.data();
    r.keys = keys ? keys->data() : nullptr;
    r.numel_out = numel_out;
    r.threads = threads < 1 ? 1 : threads;
    run_from_python(r);
}

void merge(Int64Array keys_a, Int64Array idx_a, Int64Array keys_b, Int64Array idx_b) {
    const size_t n = keys_a.shape(0);
    if (idx_a.shape(0) != n || keys_b.shape(0) != n || idx_b.shape(0) != n)
        throw nb::value_error("argreduce core: partials to merge differ in length");
    nb::gil_scoped_release release;
    argreduce::merge_partials(keys_a.data(), idx_a.data(), keys_b.data(), idx_b.data(), static_cast<int64_t>(n));
}

using UInt8In = nb::ndarray<const uint8_t, nb::c_contig, nb::device::cpu>;

// topk of a strided array whose reduced dim is last: `outer` dims kept, `n` elements at `stride`
// bytes reduced. `present`, when given, is a C-contiguous uint8 array of shape (outer..., n).
void topk(uintptr_t address, const std::string& dtype, std::vector<int64_t> outer_shape,
          std::vector<int64_t> outer_strides, int64_t n, int64_t stride, bool swapped, int rule, int64_t k,
          Int64Out indices, std::optional<Int64Out> keys, std::optional<UInt8In> present, int threads,
          uintptr_t values) {
    argreduce::TopkRequest r;
    if (!argreduce::parse_dtype(dtype.c_str(), &r.dtype))
        throw nb::type_error(("argreduce core: unsupported dtype " + dtype).c_str());
    if (outer_shape.size() != outer_strides.size())
        throw nb::value_error("argreduce core: shape and strides differ in length");
    int64_t outer = 1;
    for (int64_t s : outer_shape) {
        if (s < 0) throw nb::value_error("argreduce core: negative size");
        outer *= s;
    }
    if (n < 0 || k < 0 || k > n) throw nb::value_error("argreduce core: k out of range");
    if (static_cast<int64_t>(indices.size()) != outer * k || (keys && static_cast<int64_t>(keys->size()) != outer * k))
        throw nb::value_error("argreduce core: output size does not match");
    if (present) {
        if (static_cast<int64_t>(present->size()) != outer * n)
            throw nb::value_error("argreduce core: present mask size does not match");
        r.present = present->data();
        r.present_outer_strides.resize(outer_shape.size());
        for (int64_t d = static_cast<int64_t>(outer_shape.size()) - 1, s = n; d >= 0; --d) {
            r.present_outer_strides[d] = s;
            s *= outer_shape[d];
        }
        r.present_stride = 1;
    }
    r.data = reinterpret_cast<const char*>(address);
    r.swapped = swapped;
    r.rule = rule_of(rule);
    r.outer_shape = std::move(outer_shape);
    r.outer_strides = std::move(outer_strides);
    r.n = n;
    r.stride = stride;
    r.k = k;
    r.indices = indices.data();
    r.keys = keys ? keys->data() : nullptr;
    r.values = reinterpret_cast<char*>(values);
    r.threads = threads < 1 ? 1 : threads;
    r.interrupted = [] {
        nb::gil_scoped_acquire acquire;
        return PyErr_CheckSignals() != 0;
    };
    argreduce::Status status;
    if (outer * n >= kReleaseGilElements) {
        nb::gil_scoped_release release;
        status = argreduce::run_topk(r);
    } else {
        status = argreduce::run_topk(r);
    }
    if (status == argreduce::Status::Interrupted) throw nb::python_error();
}

// The one dtype list (dtype.hpp), for Python's tables: (name, itemsize, kind) in enum order.
std::vector<std::tuple<std::string, int, std::string>> dtypes() {
    static const char* kinds[] = {"bool", "signed", "unsigned", "float", "time"};
    std::vector<std::tuple<std::string, int, std::string>> out;
    for (const argreduce::DTypeInfo& d : argreduce::kDTypes)
        out.emplace_back(d.name, d.itemsize, kinds[static_cast<int>(d.kind)]);
    return out;
}

// The rule list (rule.hpp): name -> the number reduce() takes.
std::vector<std::string> rules() {
    std::vector<std::string> out;
    for (const argreduce::RuleInfo& r : argreduce::kRules) out.emplace_back(r.name);
    return out;
}

// For tests: whether every (dtype, rule) slot, and every k of the topk network, of every table this
// processor runs is filled.
std::vector<std::string> empty_table_slots() {
    const argreduce::KernelTable* tables[3];
    const int n = argreduce::available_tables(tables, 3);
    std::vector<std::string> out;
    for (int t = 0; t < n; ++t) {
        for (int kk = 1; kk <= argreduce::kNetworkMaxK; ++kk)
            if (!tables[t]->network32.rows[kk] || !tables[t]->network32.cols[kk] || !tables[t]->network64.rows[kk] ||
                !tables[t]->network64.cols[kk])
                out.push_back(std::string(tables[t]->isa) + "/topk network k=" + std::to_string(kk));
        for (int d = 0; d < argreduce::kDTypeCount; ++d)
            for (int r = 0; r < argreduce::kRuleCount; ++r) {
                const argreduce::Kernels& k = tables[t]->k[d][r];
                if (!k.rows || !k.cols || !k.short_rows || !k.pack_masked || !k.topk_row || !k.topk_cols || !k.topk_keys ||
                    !k.topk_row_masked)
                    out.push_back(std::string(tables[t]->isa) + "/" + argreduce::kDTypes[d].name + "/" +
                                  argreduce::kRules[r].name);
            }
    }
    return out;
}

std::vector<std::string> available_isas() {
    const argreduce::KernelTable* tables[3];
    const int n = argreduce::available_tables(tables, 3);
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.emplace_back(tables[i]->isa);
    return out;
}

}  // namespace

NB_MODULE(_core, m) {
    m.doc() = "argreduce's native core (private: use argreduce.argmin / argreduce.argmax)";
    m.def("reduce", &reduce, "address"_a, "dtype"_a, "shape"_a, "strides"_a, "swapped"_a, "reduced"_a,
          "rule"_a, "indices"_a, "keys"_a.none(), "threads"_a, "mask"_a = 0,
          "mask_strides"_a = std::vector<int64_t>{},
          "Fill `indices` (and `keys`, if given) with the arg-reduction of a strided array under rule number `rule`.");
    m.def("merge", &merge, "keys_a"_a, "idx_a"_a, "keys_b"_a, "idx_b"_a,
          "Fold partials b into partials a, in place, by the contract's comparator.");
    m.def("topk", &topk, "address"_a, "dtype"_a, "outer_shape"_a, "outer_strides"_a, "n"_a, "stride"_a,
          "swapped"_a, "rule"_a, "k"_a, "indices"_a, "keys"_a.none(), "present"_a.none(), "threads"_a,
          "values"_a = 0,
          "Fill `indices` (and `keys`) with the k best (key, index) pairs of every slice, best first; with a\n"
          "`values` address (numel(outer) * k elements of the input's itemsize), copy the elements there too.");
    m.def("reduce_numpy_fast", &reduce_numpy_fast, "x"_a, "dim"_a.none(), "keepdim"_a.none(), "rule"_a, "threads"_a,
          "argmin/argmax of a NumPy array for dim None or an int, or None when the general path must run.");
    m.def("isa", [] { return std::string(argreduce::kernels().isa); },
          "The instruction set the kernels use on this processor.");
    m.def(
        "read_probe",
        [](uintptr_t address, int64_t nbytes, int threads) {
            nb::gil_scoped_release release;
            return argreduce::read_probe(reinterpret_cast<const char*>(address), nbytes, threads);
        },
        "address"_a, "nbytes"_a, "threads"_a,
        "Benchmark yardstick: read nbytes once with `threads` threads (returns their XOR).");
    m.def("available_isas", &available_isas, "Instruction sets this build can use here, best first.");
    m.def("dtypes", &dtypes, "The core's dtypes: (name, itemsize, kind), from the one list in dtype.hpp.");
    m.def("rules", &rules, "The core's rules (rule.hpp) in the order reduce() numbers them.");
    m.def("empty_table_slots", &empty_table_slots, "Kernel table slots left empty (tests: must be none).");
    bind_nearest(m);
    m.attr("MAX_DIMS") = argreduce::kMaxDims;
}
