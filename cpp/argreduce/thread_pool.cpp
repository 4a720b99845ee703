#include "thread_pool.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>
#include <unistd.h>

namespace argreduce {
namespace {

class Pool {
public:
    void run(int n, const std::function<void(int)>& job, const std::function<void()>& poll) {
        std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
        if (!busy.owns_lock() || n <= 1) {
            for (int t = 0; t < n; ++t) job(t);
            return;
        }
        forget_if_forked();
        grow(n - 1);
        {
            std::lock_guard<std::mutex> g(m_);
            job_ = &job;
            active_ = n - 1;
            remaining_ = n - 1;
            ++generation_;
        }
        start_.notify_all();
        job(0);
        std::unique_lock<std::mutex> g(m_);
        while (remaining_ > 0) {
            g.unlock();
            poll();
            g.lock();
            done_.wait_for(g, std::chrono::milliseconds(5), [&] { return remaining_ == 0; });
        }
        job_ = nullptr;
    }

private:
    void grow(int workers) {
        while (static_cast<int>(threads_->size()) < workers) {
            const int id = static_cast<int>(threads_->size()) + 1;
            threads_->emplace_back([this, id] { loop(id); });
            threads_->back().detach();  // lives as long as the process; never joined at exit
        }
    }

    void loop(int id) {
        unsigned long long seen = 0;
        for (;;) {
            const std::function<void(int)>* job;
            {
                std::unique_lock<std::mutex> g(m_);
                start_.wait(g, [&] { return generation_ != seen && id <= active_; });
                seen = generation_;
                job = job_;
            }
            (*job)(id);
            std::lock_guard<std::mutex> g(m_);
            if (--remaining_ == 0) done_.notify_one();
        }
    }

    // After fork() only the forking thread exists in the child: start a fresh set of workers there.
    void forget_if_forked() {
        if (pid_ == getpid()) return;
        pid_ = getpid();
        threads_ = new std::vector<std::thread>();  // the parent's threads do not exist here
        new (&m_) std::mutex();
        new (&start_) std::condition_variable();
        new (&done_) std::condition_variable();
        generation_ = 0;
    }

    std::mutex busy_;  // one caller at a time uses the workers
    std::mutex m_;
    std::condition_variable start_, done_;
    std::vector<std::thread>* threads_ = new std::vector<std::thread>();
    const std::function<void(int)>* job_ = nullptr;
    unsigned long long generation_ = 0;
    int active_ = 0, remaining_ = 0;
    pid_t pid_ = getpid();
};

Pool& pool() {
    static Pool* p = new Pool();  // never destroyed: detached workers may still wait on it at exit
    return *p;
}

}  // namespace

void parallel_run(int n, const std::function<void(int)>& job, const std::function<void()>& poll) {
    pool().run(n, job, poll);
}

}  // namespace argreduce
