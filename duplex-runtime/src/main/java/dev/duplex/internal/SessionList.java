package dev.duplex.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The open connections of a server, linked through fields of the sessions themselves: a
 * concurrent set would cost every idle connection a 32-byte node plus its share of the table.
 * Sessions join and leave once each, on their loops; shutdown and {@code connections()} read a
 * snapshot. Thread-safe.
 */
public final class SessionList {
    private Session head;
    private int size;

    synchronized void add(Session s) {
        s.registryPrev = null;
        s.registryNext = head;
        if (head != null) {
            head.registryPrev = s;
        }
        head = s;
        size++;
    }

    synchronized void remove(Session s) {
        if (s.registryPrev == null && head != s) {
            return; // not linked (removed already)
        }
        if (s.registryPrev != null) {
            s.registryPrev.registryNext = s.registryNext;
        } else {
            head = s.registryNext;
        }
        if (s.registryNext != null) {
            s.registryNext.registryPrev = s.registryPrev;
        }
        s.registryPrev = null;
        s.registryNext = null;
        size--;
    }

    /** The sessions linked now, newest first. */
    public synchronized List<Session> snapshot() {
        List<Session> all = new ArrayList<>(size);
        for (Session s = head; s != null; s = s.registryNext) {
            all.add(s);
        }
        return all;
    }

    public synchronized boolean isEmpty() {
        return size == 0;
    }

    public synchronized int size() {
        return size;
    }
}
