// Vectors whose storage starts on a 64-byte boundary: the nearest screen's packed panels are read a
// vector at a time, and a 64-byte vector that straddles two cache lines costs two reads of L1.
#pragma once
#include <cstddef>
#include <new>
#include <vector>

namespace argreduce {

template <class T>
struct Aligned64 {
    using value_type = T;
    static constexpr std::align_val_t kAlign{64};

    Aligned64() = default;
    template <class U>
    Aligned64(const Aligned64<U>&) noexcept {}

    T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlign)); }
    void deallocate(T* p, std::size_t) noexcept { ::operator delete(p, kAlign); }

    template <class U>
    bool operator==(const Aligned64<U>&) const noexcept { return true; }
    template <class U>
    bool operator!=(const Aligned64<U>&) const noexcept { return false; }
};

template <class T>
using AlignedVector = std::vector<T, Aligned64<T>>;

}  // namespace argreduce
