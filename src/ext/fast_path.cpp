// The fast path for the commonest call: argmin(a) or argmin(a, int) on a NumPy array with no out=.
//
// A 1,000-element argmin takes NumPy about a microsecond; the general Python path (api ->
// adapters -> engine) costs several times that in interpreter overhead alone. So this one case is
// parsed here. It returns None for anything unusual (another dtype, byte-swapped or non-CPU memory,
// a dim out of range, an empty reduction ...) and the general path then runs and raises the
// contract's error: the rules stay in one place, this only skips the bookkeeping. The array is
// read through the buffer protocol, NumPy's cheapest way to hand over its memory.
#include "fast_path.hpp"


#include <vector>

#include "argreduce/argreduce.hpp"

namespace nb = nanobind;

namespace {

// The dtype of a buffer-protocol format string, for native byte order only ('<', '=', '@' or no
// prefix on a little-endian machine): a byte-swapped array declines the fast path.
bool core_dtype(const char* f, argreduce::DType* out) {
    using argreduce::DType;
    if (!f) return false;
    const bool little = [] { const uint16_t one = 1; return *reinterpret_cast<const uint8_t*>(&one) == 1; }();
    if (*f == '=' || *f == '@' || (little ? *f == '<' : (*f == '>' || *f == '!'))) ++f;
    if (!f[0] || f[1]) return false;
    switch (f[0]) {
        case '?': *out = DType::Bool; return true;
        case 'b': *out = DType::Int8; return true;
        case 'B': *out = DType::UInt8; return true;
        case 'h': *out = DType::Int16; return true;
        case 'H': *out = DType::UInt16; return true;
        case 'i': *out = DType::Int32; return true;
        case 'I': *out = DType::UInt32; return true;
        case 'l': case 'q': *out = sizeof(long) == 8 || f[0] == 'q' ? DType::Int64 : DType::Int32; return true;
        case 'L': case 'Q': *out = sizeof(long) == 8 || f[0] == 'Q' ? DType::UInt64 : DType::UInt32; return true;
        case 'e': *out = DType::Float16; return true;
        case 'f': *out = DType::Float32; return true;
        case 'd': *out = DType::Float64; return true;
        default: return false;
    }
}

// Holds a Py_buffer for the duration of the call.
struct Buffer {
    Py_buffer view{};
    bool ok = false;
    explicit Buffer(PyObject* o) {
        ok = PyObject_GetBuffer(o, &view, PyBUF_RECORDS_RO) == 0;
        if (!ok) PyErr_Clear();
    }
    ~Buffer() {
        if (ok) PyBuffer_Release(&view);
    }
};

}  // namespace

nb::object reduce_numpy_fast(nb::handle x, nb::handle dim, nb::handle keepdim, bool is_max, int threads) {
    if (!keepdim.is(Py_True) && !keepdim.is(Py_False)) return nb::none();
    Buffer b(x.ptr());
    argreduce::Request r;
    if (!b.ok || !core_dtype(b.view.format, &r.layout.dtype) || b.view.itemsize != info(r.layout.dtype).itemsize)
        return nb::none();
    const int64_t nd = b.view.ndim;
    if (nd > 64) return nb::none();

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
        r.layout.shape[i] = b.view.shape[i];
        r.layout.strides[i] = b.view.strides[i];
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

    static nb::object empty = nb::module_::import_("numpy").attr("empty");
    static nb::object int64 = nb::module_::import_("numpy").attr("int64");
    // A scalar result needs no array: it lands in `scalar` and becomes a NumPy int64 scalar, as
    // NumPy's own reductions return. An array result is allocated by NumPy and written in place.
    int64_t scalar = 0;
    nb::object out;
    Py_buffer buf{};
    if (!out_shape.empty()) {
        nb::object shape = nb::steal(PyTuple_New(static_cast<Py_ssize_t>(out_shape.size())));
        for (size_t i = 0; i < out_shape.size(); ++i)
            PyTuple_SET_ITEM(shape.ptr(), i, PyLong_FromLongLong(out_shape[i]));
        out = empty(shape, int64);
        if (numel_out == 0) return out;
        if (PyObject_GetBuffer(out.ptr(), &buf, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) != 0) throw nb::python_error();
        PyBuffer_Release(&buf);  // `out` owns the memory; only its address is needed
    }

    r.layout.data = static_cast<const char*>(b.view.buf);
    r.layout.swapped = false;  // byte-swapped arrays were declined above
    r.op = is_max ? argreduce::Op::Max : argreduce::Op::Min;
    r.indices = out_shape.empty() ? &scalar : static_cast<int64_t*>(buf.buf);
    r.numel_out = numel_out;
    r.threads = threads < 1 ? 1 : threads;
    r.interrupted = [] {
        nb::gil_scoped_acquire acquire;
        return PyErr_CheckSignals() != 0;
    };
    argreduce::Status status;
    if (numel < argreduce::kGrainElements) {
        status = argreduce::run(r);  // too short to be worth releasing the GIL
    } else {
        nb::gil_scoped_release release;
        status = argreduce::run(r);
    }
    if (status == argreduce::Status::Interrupted) throw nb::python_error();
    // A 0-d result is a NumPy int64 scalar, as NumPy's own reductions return.
    return out_shape.empty() ? int64(scalar) : out;
}
