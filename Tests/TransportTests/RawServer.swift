import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP server that hands each request's connection to a test, which writes
/// whatever bytes it likes (a trickle, an endless body): what `HTTPServer` does not do.
/// Counts requests and the body bytes the test managed to send.
final class RawServer: Sendable {
    /// Writes the answer on `conn`; runs on the connection's own thread.
    typealias Answer = @Sendable (RawConnection) -> Void

    let port: UInt16
    private let listenFD: Int32
    private let state = Mutex(State())
    let requests = Counter()
    private let sentBytes = Mutex(0)

    private struct State {
        var stopped = false
        var connections: Set<Int32> = []
    }

    init(_ answer: @escaping Answer) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, bound == 0, listen(fd, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: actual.sin_port)
        listenFD = fd
        Thread.detachNewThread { [self] in acceptLoop(answer) }
    }

    var url: URL { URL(string: "http://127.0.0.1:\(port)/x")! }
    /// Body bytes the answers handed to the kernel (head not counted).
    var bodyBytesSent: Int { sentBytes.withLock { $0 } }

    func stop() {
        state.withLock { s in
            guard !s.stopped else { return }
            s.stopped = true
            shutdown(listenFD, Int32(SHUT_RDWR))
            for fd in s.connections { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    deinit { stop() }

    private func acceptLoop(_ answer: @escaping Answer) {
        defer { close(listenFD) }
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 { if state.withLock({ $0.stopped }) { return } else { continue } }
            guard state.withLock({ s in s.stopped ? false : s.connections.insert(fd).inserted }) else { close(fd); return }
            Thread.detachNewThread { [self] in
                let conn = RawConnection(fd: fd) { n in self.sentBytes.withLock { $0 += n } }
                if conn.readRequest() {
                    _ = requests.next()
                    answer(conn)
                }
                state.withLock { _ = $0.connections.remove(fd) }
                close(fd)
            }
        }
    }
}

/// One accepted connection: reads a request head, writes bytes.
struct RawConnection: Sendable {
    let fd: Int32
    let counted: @Sendable (Int) -> Void

    /// Reads up to the end of the request head (and ignores any body); false if the peer closed.
    func readRequest() -> Bool {
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while !head.suffix(4).elementsEqual([13, 10, 13, 10]) {
            guard recv(fd, &byte, 1, 0) == 1 else { return false }
            head.append(byte)
        }
        return true
    }

    /// Sends a response head (status line and headers).
    @discardableResult
    func head(_ lines: [String]) -> Bool { write(Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8), body: false) }

    /// Sends body bytes; false once the peer is gone.
    @discardableResult
    func body(_ bytes: [UInt8]) -> Bool { write(bytes, body: true) }

    private func write(_ bytes: [UInt8], body: Bool) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { if n < 0 && errno == EINTR { continue } else { return false } }
            sent += n
            if body { counted(n) }
        }
        return true
    }
}
