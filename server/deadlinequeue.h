// Timeouts of one fixed duration come due in the order they were set, so a FIFO holds them
// all: push is O(1), the next deadline is the front, and nothing is ever searched.
// Cancelling is lazy: the owner checks, when an entry comes due, whether it still counts.
#pragma once

#include "clock.h"

#include <deque>
#include <limits>

namespace pairmatch {

inline constexpr Millis kNoDeadline = std::numeric_limits<Millis>::max();

template <typename Key> class DeadlineQueue final
{
public:
    struct Entry {
        Millis deadline;
        Key key;
    };

    // Deadlines must not decrease from one push to the next (a fixed delay from `now`).
    void push(Millis deadline, Key key)
    {
        Q_ASSERT(m_entries.empty() || deadline >= m_entries.back().deadline);
        m_entries.push_back({deadline, std::move(key)});
    }

    Millis nextDeadline() const
    {
        return m_entries.empty() ? kNoDeadline : m_entries.front().deadline;
    }

    // Calls f(key) for each entry due at `now`, oldest first. f may push.
    template <typename F> void popDue(Millis now, F &&f)
    {
        while (!m_entries.empty() && m_entries.front().deadline <= now) {
            Key key = std::move(m_entries.front().key);
            m_entries.pop_front();
            f(key);
        }
    }

    bool isEmpty() const { return m_entries.empty(); }
    std::size_t size() const { return m_entries.size(); }

private:
    std::deque<Entry> m_entries;
};

} // namespace pairmatch
