package io.flexsc.nio.net.channels;

import io.flexsc.nio.ffi.Linux;
import io.flexsc.nio.net.select.FlexSelector;
import io.flexsc.nio.net.sys.NetSys;
import java.nio.channels.SelectionKey;

/**
 * What a {@link FlexSelector} needs from the channels it multiplexes: the descriptor, the
 * translation between interest/ready operations and epoll events, and the hook that closes the
 * descriptor once the last registration is gone.
 */
public interface FlexSelChannel {
    FdState fdState();

    /** The epoll events that stand for {@code interestOps} (for a selector that batches this channel). */
    default int toEpoll(int interestOps) {
        return plainEpoll(interestOps);
    }

    /** The epoll events that stand for {@code interestOps}, without batching. */
    static int plainEpoll(int interestOps) {
        int ev = 0;
        if ((interestOps & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
            ev |= Linux.EPOLLIN;
        }
        if ((interestOps & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
            ev |= Linux.EPOLLOUT;
        }
        return ev;
    }

    /** The ready operations that epoll {@code events} mean, restricted to {@code interestOps}. */
    int toReadyOps(int events, int interestOps);

    /** Called by a selector after it deregistered the channel; closes the descriptor if the channel is closed. */
    void kill();
}
