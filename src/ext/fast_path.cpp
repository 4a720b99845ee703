// The fast path for the commonest call: argmin(a) or argmin(a, int) on a NumPy array with no out=.
//
// A 1,000-element argmin takes NumPy about a microsecond; the general Python path (api ->
// adapters -> engine) costs several times that in interpreter overhead alone. So this one case is
// parsed here. It returns None for anything unusual (another dtype, byte-swapped or non-CPU memory,
// a dim out of range, an empty reduction ...) and the general path then runs and raises the
// contract's error: the rules stay in one place, this only skips the bookkeeping.
#include "fast_path.hpp"
#include "run_from_python.hpp"

// NumPy's C API, for direct access to the array and cheap result objects. Built against NumPy 2,
// the module runs with NumPy 1.x and 2.x alike.
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#define PY_ARRAY_UNIQUE_SYMBOL argreduce_ARRAY_API
#include <numpy/arrayobject.h>


#include <vector>

#include "argreduce/argreduce.hpp"

namespace nb = nanobind;

namespace {

// The core's dtype for a NumPy type number, made once from the core's one dtype list
// (dtype.hpp): each name NumPy knows (all but bfloat16) is looked up as a NumPy dtype.
bool core_dtype(int type_num, argreduce::DType* out) {
    static const std::vector<std::pair<int, argreduce::DType>> table = [] {
        std::vector<std::pair<int, argreduce::DType>> t;
        for (int i = 0; i < argreduce::kDTypeCount; ++i) {
            PyArray_Descr* descr = nullptr;
            nb::object name = nb::str(argreduce::kDTypes[i].name);
            if (PyArray_DescrConverter2(name.ptr(), &descr) && descr) {
                t.emplace_back(descr->type_num, static_cast<argreduce::DType>(i));
                Py_DECREF(descr);
            }
            PyErr_Clear();
        }
        return t;
    }();
    for (const auto& [num, dt] : table)
        if (num == type_num) {
            *out = dt;
            return true;
        }
    return false;  // e.g. longlong where it is a separate type number: the general path
}

bool numpy_api_ready() {
    static const bool ready = [] {
        if (_import_array() < 0) {
            PyErr_Clear();
            return false;
        }
        return true;
    }();
    return ready;
}

}  // namespace

nb::object reduce_numpy_fast(nb::handle x, nb::handle dim, nb::handle keepdim, int rule, int threads) {
    if (rule < 0 || rule >= argreduce::kRuleCount) return nb::none();
    if (!keepdim.is(Py_True) && !keepdim.is(Py_False)) return nb::none();
    if (!numpy_api_ready() || !PyArray_CheckExact(x.ptr())) return nb::none();
    PyArrayObject* a = reinterpret_cast<PyArrayObject*>(x.ptr());
    argreduce::Request r;
    // Byte-swapped arrays take the general path, which reads them in place too.
    if (!PyArray_ISNOTSWAPPED(a) || !core_dtype(PyArray_TYPE(a), &r.layout.dtype)) return nb::none();
    const int64_t nd = PyArray_NDIM(a);
    if (nd > argreduce::kMaxDims) return nb::none();

    int64_t axis = -1;  // -1: every dim (dim=None)
    if (!dim.is_none()) {
        if (!PyLong_CheckExact(dim.ptr())) return nb::none();
        const long long d = PyLong_AsLongLong(dim.ptr());
        if (d == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            return nb::none();
        }
        const int64_t span = nd == 0 ? 1 : nd;
        if (d < -span || d >= span) return nb::none();
        axis = nd == 0 ? -1 : (d + span) % span;
    }
    std::vector<int64_t> out_shape;
    int64_t numel = 1, numel_out = 1;
    r.layout.shape.resize(nd);
    r.layout.strides.resize(nd);
    r.layout.reduced.resize(nd);
    for (int64_t i = 0; i < nd; ++i) {
        const bool red = axis < 0 || axis == i;
        r.layout.shape[i] = PyArray_DIM(a, static_cast<int>(i));
        r.layout.strides[i] = PyArray_STRIDE(a, static_cast<int>(i));
        r.layout.reduced[i] = red;
        numel *= r.layout.shape[i];
        if (red && r.layout.shape[i] == 0) return nb::none();  // the general path raises
        if (!red) {
            out_shape.push_back(r.layout.shape[i]);
            numel_out *= r.layout.shape[i];
        } else if (keepdim.is(Py_True)) {
            out_shape.push_back(1);
        }
    }
    if (numel == 0 && axis < 0) return nb::none();

    // A scalar result needs no array: it lands in `scalar` and becomes a NumPy int64 scalar, as
    // NumPy's own reductions return. An array result is allocated by NumPy and written in place.
    int64_t scalar = 0;
    nb::object out;
    if (!out_shape.empty()) {
        std::vector<npy_intp> dims(out_shape.begin(), out_shape.end());
        out = nb::steal(PyArray_SimpleNew(static_cast<int>(dims.size()), dims.data(), NPY_INT64));
        if (!out.is_valid()) throw nb::python_error();
        if (numel_out == 0) return out;
    }

    r.layout.data = static_cast<const char*>(PyArray_DATA(a));
    r.layout.swapped = false;
    r.rule = static_cast<argreduce::Rule>(rule);
    r.indices = out_shape.empty() ? &scalar
                                  : static_cast<int64_t*>(PyArray_DATA(reinterpret_cast<PyArrayObject*>(out.ptr())));
    r.numel_out = numel_out;
    r.threads = threads < 1 ? 1 : threads;
    run_from_python(r);  // a short call keeps the GIL
    // A 0-d result is a NumPy int64 scalar, as NumPy's own reductions return.
    if (!out_shape.empty()) return out;
    nb::object result = nb::steal(PyArray_Scalar(&scalar, PyArray_DescrFromType(NPY_INT64), nullptr));
    if (!result.is_valid()) throw nb::python_error();
    return result;
}
