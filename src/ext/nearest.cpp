// The binding of the nearest-neighbour screen (cpp/argreduce/nearest/): pack the points once, then
// screen blocks of queries against them with the GIL released. Shapes are checked here, before
// anything is allocated; the arrays come from src/argreduce/knn/fused.py.
#include "nearest.hpp"

#include <nanobind/ndarray.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/tuple.h>

#include <optional>
#include <type_traits>
#include <tuple>
#include <vector>

#include "argreduce/nearest/direct.hpp"
#include "argreduce/nearest/screen.hpp"
#include "argreduce/nearest/shift.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace {

template <class T>
using Matrix = nb::ndarray<const T, nb::ndim<2>, nb::c_contig, nb::device::cpu>;
template <class T>
using Flat = nb::ndarray<const T, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
using Int64Result = nb::ndarray<nb::numpy, int64_t, nb::ndim<1>>;

template <class T>
nb::ndarray<nb::numpy, T, nb::ndim<1>> owned(std::vector<T>&& v) {
    auto* heap = new std::vector<T>(std::move(v));
    nb::capsule owner(heap, [](void* p) noexcept { delete static_cast<std::vector<T>*>(p); });
    return nb::ndarray<nb::numpy, T, nb::ndim<1>>(heap->data(), {heap->size()}, owner);
}

template <class T>
void pack_points(Matrix<T> ys, nb::ndarray<T, nb::ndim<1>, nb::c_contig, nb::device::cpu> out) {
    const auto& fns = argreduce::nearest::screen_fns<T>();
    const int64_t m = static_cast<int64_t>(ys.shape(0)), dp = static_cast<int64_t>(ys.shape(1));
    if (static_cast<int64_t>(out.shape(0)) != (m + fns.width - 1) / fns.width * fns.width * dp)
        throw nb::value_error("argreduce core: the panels' size does not match the points");
    nb::gil_scoped_release release;
    fns.pack_points(ys.data(), m, dp, out.data());
}

template <class T>
argreduce::nearest::ScreenRequest<T> screen_request(Matrix<T> xs, Flat<T> panels, int64_t m, Flat<double> B,
                                                    int64_t k, int threads) {
    const auto& fns = argreduce::nearest::screen_fns<T>();
    const int64_t n = static_cast<int64_t>(xs.shape(0)), dp = static_cast<int64_t>(xs.shape(1));
    if (m < 1 || k < 1 || k > m) throw nb::value_error("argreduce core: k or the point count out of range");
    const int64_t want = (m + fns.width - 1) / fns.width * fns.width * dp;
    if (static_cast<int64_t>(panels.shape(0)) != want)
        throw nb::value_error("argreduce core: packed points do not match m and d (packed by another ISA?)");
    if (static_cast<int64_t>(B.shape(0)) != n) throw nb::value_error("argreduce core: one bound per query");
    return {xs.data(), n, panels.data(), m, dp, B.data(), k, threads < 1 ? 1 : threads,
            [] {
                nb::gil_scoped_acquire acquire;
                return PyErr_CheckSignals() != 0;
            }};
}

template <class T>
std::pair<Int64Result, Int64Result> run(const argreduce::nearest::ScreenRequest<T>& r) {
    std::vector<int64_t> rows, cols;
    argreduce::Status status;
    {
        nb::gil_scoped_release release;
        status = argreduce::nearest::run_screen<T>(r, rows, cols);
    }
    if (status == argreduce::Status::Interrupted) throw nb::python_error();
    return {owned(std::move(rows)), owned(std::move(cols))};
}

template <class T>
std::pair<Int64Result, Int64Result> screen(Matrix<T> xs, Flat<T> panels, int64_t m, Flat<double> B, int64_t k,
                                           int threads) {
    return run(screen_request<T>(xs, panels, m, B, k, threads));
}

using Distances = nb::ndarray<double, nb::ndim<2>, nb::c_contig, nb::device::cpu>;
using Indices = nb::ndarray<int64_t, nb::ndim<2>, nb::c_contig, nb::device::cpu>;

// The re-check's arguments, checked against the request's n, m and k.
template <class In>
argreduce::nearest::Refine refine_of(int64_t n, int64_t m, int64_t k, Matrix<In> x, Matrix<In> y, int metric,
                                     int bits, int emin, int emax, Distances dist, Indices idx) {
    const int64_t d = static_cast<int64_t>(x.shape(1));
    if (static_cast<int64_t>(x.shape(0)) != n || static_cast<int64_t>(y.shape(0)) != m ||
        static_cast<int64_t>(y.shape(1)) != d || static_cast<int64_t>(dist.shape(0)) != n ||
        static_cast<int64_t>(dist.shape(1)) != k || static_cast<int64_t>(idx.shape(0)) != n ||
        static_cast<int64_t>(idx.shape(1)) != k)
        throw nb::value_error("argreduce core: screen_refine shapes do not match");
    if (metric < 0 || metric > 2 || bits < 2 || bits > 53 || emin >= emax)
        throw nb::value_error("argreduce core: screen_refine metric or format out of range");
    return {x.data(), y.data(), std::is_same_v<In, double>, d, static_cast<argreduce::nearest::RefineMetric>(metric),
            {bits, emin, emax}, k, dist.data(), idx.data(), argreduce::nearest::key_bound_scale(d)};
}

// The screen, then each query's candidates re-checked in float64 (refine.cpp): the settled queries'
// rows of dist and idx are written, and the candidates of the others returned.
template <class T, class In>
std::pair<Int64Result, Int64Result> screen_refine(Matrix<T> xs, Flat<T> panels, int64_t m, Flat<double> B, int64_t k,
                                                  int threads, Matrix<In> x, Matrix<In> y, int metric, int bits,
                                                  int emin, int emax, Distances dist, Indices idx) {
    auto r = screen_request<T>(xs, panels, m, B, k, threads);
    const auto refine = refine_of<In>(r.n, m, k, x, y, metric, bits, emin, emax, dist, idx);
    r.refine = &refine;
    return run(r);
}

// The same for the L2 metrics with the query factors made per block in the core (QueryFactors):
// no (N, d + 1) copy of the queries, no per-query bound array from Python.
template <class T, class In>
std::pair<Int64Result, Int64Result> l2_refine(Matrix<In> x, Matrix<T> ys, int sweep, int64_t k, int threads,
                                              Matrix<In> y, int metric, int bits, int emin, int emax, double s,
                                              Flat<double> cs, double p0, double p1, double p2, Distances dist,
                                              Indices idx,
                                              nb::ndarray<double, nb::ndim<1>, nb::c_contig, nb::device::cpu> largest,
                                              std::optional<nb::ndarray<int64_t, nb::ndim<1>, nb::c_contig, nb::device::cpu>> tiles) {
    const int64_t n = static_cast<int64_t>(x.shape(0)), d = static_cast<int64_t>(x.shape(1));
    const int64_t m = static_cast<int64_t>(ys.shape(0));
    if (static_cast<int64_t>(cs.shape(0)) != d) throw nb::value_error("argreduce core: one shift per column");
    if (static_cast<int64_t>(ys.shape(1)) != d + 1) throw nb::value_error("argreduce core: ys must be (m, d + 1)");
    if (largest.shape(0) != 1) throw nb::value_error("argreduce core: largest holds one value");
    if (metric > 1) throw nb::value_error("argreduce core: screen_refine metric or format out of range");
    if (m < 1 || k < 1 || k > m) throw nb::value_error("argreduce core: k or the point count out of range");
    const auto refine = refine_of<In>(n, m, k, x, y, metric, bits, emin, emax, dist, idx);
    const argreduce::nearest::QueryFactors factors{
        x.data(), std::is_same_v<In, double>, d, s, cs.data(), p0, p1, p2, largest.data()};
    if (sweep < 0 || sweep > 3) throw nb::value_error("argreduce core: sweep is 0 (auto), 1, 2 or 3");
    const auto kind = argreduce::nearest::resolve_sweep(static_cast<argreduce::nearest::SweepKind>(sweep), n, m, d, k);
    argreduce::nearest::PreparedPoints<T> points;
    {
        nb::gil_scoped_release release;
        argreduce::nearest::prepare_points<T>(ys.data(), m, d + 1, kind, points);
    }
    const argreduce::nearest::Boxes<T> boxes = points.boxes();
    argreduce::nearest::ScreenRequest<T> r{nullptr, n, points.panels.data(), m, d + 1, nullptr, k,
                                           threads < 1 ? 1 : threads,
                                           [] {
                                               nb::gil_scoped_acquire acquire;
                                               return PyErr_CheckSignals() != 0;
                                           },
                                           &refine, &factors};
    if (points.pruned()) {
        r.point_order = points.order.data();
        r.boxes = &boxes;
    }
    r.lanes = points.sweep == argreduce::nearest::SweepKind::Lanes;
    if (tiles) {
        if (tiles->shape(0) != 1) throw nb::value_error("argreduce core: tiles holds one value");
        r.tiles = tiles->data();
    }
    return run(r);
}

template <class T>
using Rows = nb::ndarray<const T, nb::ndim<2>, nb::device::cpu>;  // any row stride: a memory map's rows

// The direct screen's candidates for few queries (direct.hpp): the points read where they lie,
// rows at any stride with contiguous values. The third result is false when some cost was NaN or
// inf: the caller checks its inputs and takes the general screen.
template <class T>
std::tuple<Int64Result, Int64Result, bool> direct(Matrix<T> xs, Rows<T> ys, int64_t k, int threads) {
    const auto& fns = argreduce::nearest::direct_fns<T>();
    const int64_t n = static_cast<int64_t>(xs.shape(0)), d = static_cast<int64_t>(xs.shape(1));
    const int64_t m = static_cast<int64_t>(ys.shape(0));
    if (static_cast<int64_t>(ys.shape(1)) != d) throw nb::value_error("argreduce core: x and y differ in d");
    if (m < 1 || k < 1 || k > m) throw nb::value_error("argreduce core: k or the point count out of range");
    if (d < fns.min_d) throw nb::value_error("argreduce core: the direct screen needs d of at least one vector");
    if (ys.stride(1) != 1 || ys.stride(0) < d) throw nb::value_error("argreduce core: y's rows must be contiguous");
    argreduce::nearest::DirectRequest<T> r{xs.data(), n, d, ys.data(), m, static_cast<int64_t>(ys.stride(0)), k,
                                           threads < 1 ? 1 : threads, [] {
                                               nb::gil_scoped_acquire acquire;
                                               return PyErr_CheckSignals() != 0;
                                           }};
    std::vector<int64_t> rows, cols;
    bool finite = true;
    argreduce::Status status;
    {
        nb::gil_scoped_release release;
        status = argreduce::nearest::run_direct<T>(r, rows, cols, finite);
    }
    if (status == argreduce::Status::Interrupted) throw nb::python_error();
    return {owned(std::move(rows)), owned(std::move(cols)), finite};
}

// The rows of `a` (n, d) into the first d columns of `out` (n, d + 1) and their norms into n2.
template <class In, class Out>
void shift_rows(Matrix<In> a, double s, Flat<double> cs, double factor,
                nb::ndarray<Out, nb::ndim<2>, nb::c_contig, nb::device::cpu> out,
                nb::ndarray<double, nb::ndim<1>, nb::c_contig, nb::device::cpu> n2) {
    const int64_t n = static_cast<int64_t>(a.shape(0)), d = static_cast<int64_t>(a.shape(1));
    if (static_cast<int64_t>(cs.shape(0)) != d || static_cast<int64_t>(out.shape(0)) != n ||
        static_cast<int64_t>(out.shape(1)) != d + 1 || static_cast<int64_t>(n2.shape(0)) != n)
        throw nb::value_error("argreduce core: shift_rows shapes do not match");
    nb::gil_scoped_release release;
    argreduce::nearest::shift_rows<In, Out>(a.data(), n, d, s, cs.data(), factor, out.data(), d + 1, n2.data());
}

}  // namespace

void bind_nearest(nb::module_& m) {
    const char* pack_doc = "Pack the screen's point factors (M, d') into `out`, the kernel's panels (flat).";
    m.def("nearest_pack", &pack_points<float>, "ys"_a, "out"_a, pack_doc);
    m.def("nearest_pack", &pack_points<double>, "ys"_a, "out"_a, pack_doc);
    const char* screen_doc =
        "Candidates (rows, cols) of the fused screen: every pair whose cost xs_i . ys_j is within 2 B_i "
        "of row i's k-th smallest cost.";
    m.def("nearest_screen", &screen<float>, "xs"_a, "panels"_a, "m"_a, "B"_a, "k"_a, "threads"_a, screen_doc);
    m.def("nearest_screen", &screen<double>, "xs"_a, "panels"_a, "m"_a, "B"_a, "k"_a, "threads"_a, screen_doc);
    const char* refine_doc =
        "The screen's candidates re-checked in float64 (x and y: the inputs, of one dtype; metric 0 "
        "sqeuclidean, 1 euclidean, 2 dot; the result format's bits, emin, emax): the queries settled "
        "get their rows of dist and idx; the candidates (rows, cols) of the others are returned.";
    m.def("nearest_screen_refine", &screen_refine<float, float>, "xs"_a, "panels"_a, "m"_a, "B"_a, "k"_a,
          "threads"_a, "x"_a.noconvert(), "y"_a.noconvert(), "metric"_a, "bits"_a, "emin"_a, "emax"_a, "dist"_a,
          "idx"_a, refine_doc);
    m.def("nearest_screen_refine", &screen_refine<float, double>, "xs"_a, "panels"_a, "m"_a, "B"_a, "k"_a,
          "threads"_a, "x"_a.noconvert(), "y"_a.noconvert(), "metric"_a, "bits"_a, "emin"_a, "emax"_a, "dist"_a,
          "idx"_a, refine_doc);
    m.def("nearest_screen_refine", &screen_refine<double, float>, "xs"_a, "panels"_a, "m"_a, "B"_a, "k"_a,
          "threads"_a, "x"_a.noconvert(), "y"_a.noconvert(), "metric"_a, "bits"_a, "emin"_a, "emax"_a, "dist"_a,
          "idx"_a, refine_doc);
    m.def("nearest_screen_refine", &screen_refine<double, double>, "xs"_a, "panels"_a, "m"_a, "B"_a, "k"_a,
          "threads"_a, "x"_a.noconvert(), "y"_a.noconvert(), "metric"_a, "bits"_a, "emin"_a, "emax"_a, "dist"_a,
          "idx"_a, refine_doc);
    const char* l2_doc =
        "nearest_screen_refine for the L2 metrics (0, 1) with the query factors made in the core from the "
        "raw queries x and the points packed there from their factors ys (m, d + 1) for the sweep "
        "(spatial.hpp's SweepKind: 0 by size, 1 rows, 2 lanes, 3 pruned): scale s, shifted common point cs, bound "
        "polynomial p0, p1, p2 (screen.py, L2Points). tiles[0], if given, receives the tiles of costs "
        "computed; largest[0] the largest squared norm of the shifted, scaled rows (NaN if one is not "
        "finite: a NaN or inf in x, or a factor out of range; nothing else is then meaningful).";
    m.def("nearest_l2_refine", &l2_refine<float, float>, "x"_a.noconvert(), "ys"_a, "sweep"_a, "k"_a, "threads"_a,
          "y"_a.noconvert(), "metric"_a, "bits"_a, "emin"_a, "emax"_a, "s"_a, "cs"_a, "p0"_a, "p1"_a, "p2"_a,
          "dist"_a, "idx"_a, "largest"_a, "tiles"_a = nb::none(), l2_doc);
    m.def("nearest_l2_refine", &l2_refine<float, double>, "x"_a.noconvert(), "ys"_a, "sweep"_a, "k"_a, "threads"_a,
          "y"_a.noconvert(), "metric"_a, "bits"_a, "emin"_a, "emax"_a, "s"_a, "cs"_a, "p0"_a, "p1"_a, "p2"_a,
          "dist"_a, "idx"_a, "largest"_a, "tiles"_a = nb::none(), l2_doc);
    m.def("nearest_l2_refine", &l2_refine<double, float>, "x"_a.noconvert(), "ys"_a, "sweep"_a, "k"_a, "threads"_a,
          "y"_a.noconvert(), "metric"_a, "bits"_a, "emin"_a, "emax"_a, "s"_a, "cs"_a, "p0"_a, "p1"_a, "p2"_a,
          "dist"_a, "idx"_a, "largest"_a, "tiles"_a = nb::none(), l2_doc);
    m.def("nearest_l2_refine", &l2_refine<double, double>, "x"_a.noconvert(), "ys"_a, "sweep"_a, "k"_a, "threads"_a,
          "y"_a.noconvert(), "metric"_a, "bits"_a, "emin"_a, "emax"_a, "s"_a, "cs"_a, "p0"_a, "p1"_a, "p2"_a,
          "dist"_a, "idx"_a, "largest"_a, "tiles"_a = nb::none(), l2_doc);
    const char* direct_doc =
        "Candidates (rows, cols, finite) of the direct screen: squared differences summed straight from "
        "y's rows, every pair within the relative bound of row i's k-th smallest cost.";
    m.def("nearest_direct", &direct<float>, "xs"_a, "ys"_a, "k"_a, "threads"_a, direct_doc);
    m.def("nearest_direct", &direct<double>, "xs"_a, "ys"_a, "k"_a, "threads"_a, direct_doc);
    m.def(
        "nearest_direct_min_d",
        [](bool wide) {
            return wide ? argreduce::nearest::direct_fns<double>().min_d : argreduce::nearest::direct_fns<float>().min_d;
        },
        "float64"_a, "The smallest d the direct screen of the kernel in use takes (one vector).");
    const char* shift_doc = "fl(a * s - cs) * factor into out[:, :d], the rounded rows' squared norms into n2.";
    m.def("nearest_shift_rows", &shift_rows<float, float>, "a"_a, "s"_a, "cs"_a, "factor"_a, "out"_a, "n2"_a, shift_doc);
    m.def("nearest_shift_rows", &shift_rows<double, float>, "a"_a, "s"_a, "cs"_a, "factor"_a, "out"_a, "n2"_a, shift_doc);
    m.def("nearest_shift_rows", &shift_rows<float, double>, "a"_a, "s"_a, "cs"_a, "factor"_a, "out"_a, "n2"_a, shift_doc);
    m.def("nearest_shift_rows", &shift_rows<double, double>, "a"_a, "s"_a, "cs"_a, "factor"_a, "out"_a, "n2"_a, shift_doc);
    m.def(
        "nearest_geometry",
        [](bool wide) {
            return wide ? std::make_pair(argreduce::nearest::screen_fns<double>().mr,
                                         argreduce::nearest::screen_fns<double>().width)
                        : std::make_pair(argreduce::nearest::screen_fns<float>().mr,
                                         argreduce::nearest::screen_fns<float>().width);
        },
        "float64"_a, "(queries per micro-panel, points per panel) of the screen kernel in use.");
}
