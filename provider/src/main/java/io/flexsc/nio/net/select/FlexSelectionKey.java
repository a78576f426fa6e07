package io.flexsc.nio.net.select;

import io.flexsc.nio.net.channels.FdState;
import io.flexsc.nio.net.channels.FlexSelChannel;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectionKey;

/**
 * The registration of one channel with one {@link FlexSelector}. Interest changes are queued and
 * reach epoll at the next select, as in the JDK.
 *
 * <p>Thread safety: interest and ready sets may be read and changed from any thread.
 */
public final class FlexSelectionKey extends AbstractSelectionKey implements FdState.EpollRegistration {
    private final SelectableChannel channel;
    private final FlexSelector selector;
    private volatile int interestOps;
    private volatile int readyOps;
    /** The epoll events registered for the descriptor; selector thread only. */
    int registeredEvents;
    /** Registered with epoll at all; selector thread only. */
    boolean inEpoll;
    /**
     * The tag of its epoll registration (never 0), in the high half of the event's data beside the
     * descriptor; set at each EPOLL_CTL_ADD. Selector thread only. See {@link FlexSelector#keyOf}.
     */
    int epollTag;
    /** Queued for an epoll update; guarded by the selector's update lock. */
    boolean updatePending;
    /** In the selector's {@link AttentionList}; selector thread only. */
    boolean inAttention;
    /** Its channel is read ahead in the selector's current batch; selector thread only. */
    boolean readAheadTaken;
    /** The selector's select number in which epoll reported this key; selector thread only. */
    long seenInSelect = -1;
    /** Slot in the selector's {@link SelectedKeySet}, or -1 when not selected; selector lock held. */
    int selectedIndex = -1;

    FlexSelectionKey(SelectableChannel channel, FlexSelector selector) {
        this.channel = channel;
        this.selector = selector;
    }

    @Override
    public SelectableChannel channel() {
        return channel;
    }

    @Override
    public Selector selector() {
        return selector;
    }

    FlexSelChannel flexChannel() {
        return (FlexSelChannel) channel;
    }

    private void ensureValid() {
        if (!isValid()) {
            throw new CancelledKeyException();
        }
    }

    @Override
    public int interestOps() {
        ensureValid();
        return interestOps;
    }

    @Override
    public java.nio.channels.SelectionKey interestOps(int ops) {
        ensureValid();
        if ((ops & ~channel.validOps()) != 0) {
            throw new IllegalArgumentException("Invalid interest ops");
        }
        interestOps = ops;
        selector.updateKey(this);
        return this;
    }

    /** The interest set of a key being registered, before it is published (no update queued). */
    void initInterestOps(int ops) {
        if ((ops & ~channel.validOps()) != 0) {
            throw new IllegalArgumentException("Invalid interest ops");
        }
        interestOps = ops;
    }

    @Override
    public int readyOps() {
        ensureValid();
        return readyOps;
    }

    int interestOpsRaw() {
        return interestOps;
    }

    void readyOpsRaw(int ops) {
        readyOps = ops;
    }

    int readyOpsRaw() {
        return readyOps;
    }

    /** The channel is closing: its socket leaves the selector's epoll set now (see {@link FdState#preClose}). */
    @Override
    public void deleteFromEpoll(int fd) {
        selector.deleteFromEpoll(fd);
    }

    @Override
    public void nudge() {
        selector.nudge();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("channel=").append(channel).append(", selector=").append(selector);
        if (isValid()) {
            sb.append(", interestOps=").append(interestOps).append(", readyOps=").append(readyOps);
        } else {
            sb.append(", invalid");
        }
        return sb.toString();
    }
}
