import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small HTTP/1.1 server on 127.0.0.1 for tests and rehearsals.
///
/// POSIX sockets, one thread per connection, keep-alive, `Content-Length` bodies only
/// (a chunked request is answered 411). The handler runs on the connection's thread and
/// may be called concurrently. A response may ask the server to misbehave on the wire
/// (`HTTPResponse.fault`) or to wait first (`HTTPResponse.delay`).
public final class HTTPServer: Sendable {
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    /// The bound port (the kernel's pick when 0 was asked for).
    public let port: UInt16
    private let listenFD: Int32
    private let handler: Handler
    private let idleTimeout: Double
    private let registry = Mutex(Registry())
    private let threads = DispatchGroup()
    private let running = DispatchGroup()

    private struct Registry {
        var stopped = false
        var connections: Set<Int32> = []
    }

    /// Binds 127.0.0.1:`port` and starts accepting.
    ///
    /// - Parameters:
    ///   - port: the port to bind, 0 for any free one.
    ///   - idleTimeout: seconds a kept-alive connection may stay silent before it is closed.
    ///   - handler: turns each request into a response.
    /// - Throws: `HTTPServerError` when the socket cannot be bound.
    public init(port: UInt16 = 0, idleTimeout: Double = 120, handler: @escaping Handler) throws(HTTPServerError) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HTTPServerError(operation: "create a socket", port: port) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            let error = HTTPServerError(operation: "listen", port: port)
            close(fd)
            throw error
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = UInt16(bigEndian: actual.sin_port)
        self.listenFD = fd
        self.handler = handler
        self.idleTimeout = idleTimeout
        running.enter()
        threads.enter()
        Thread.detachNewThread { [self] in
            acceptLoop()
            threads.leave()
        }
    }

    /// `http://127.0.0.1:<port>`.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// Closes the listening socket and every open connection, and waits (up to 5 s) for their threads.
    ///
    /// When it returns the port is free again. Calling it twice is harmless.
    public func stop() {
        let first = registry.withLock { r in
            guard !r.stopped else { return false }
            r.stopped = true
            // Inside the lock: a connection thread closes its fd only after leaving the registry,
            // so no fd number here can have been reused by someone else.
            shutdown(listenFD, Int32(SHUT_RDWR))
            for fd in r.connections { shutdown(fd, Int32(SHUT_RDWR)) }
            return true
        }
        guard first else { return }
        _ = threads.wait(timeout: .now() + 5)
        running.leave()
    }

    /// Blocks until `stop()` has finished (for a command that serves until a signal stops it).
    public func wait() { running.wait() }

    private func acceptLoop() {
        defer { close(listenFD) }
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                if registry.withLock({ $0.stopped }) { return }
                if errno == EMFILE || errno == ENFILE { Thread.sleep(forTimeInterval: 0.05) }
                continue
            }
            let admitted = registry.withLock { r in
                if r.stopped { return false }
                r.connections.insert(fd)
                return true
            }
            guard admitted else { close(fd); return }
            configure(fd)
            threads.enter()
            Thread.detachNewThread { [self] in
                serve(fd)
                registry.withLock { _ = $0.connections.remove(fd) }
                close(fd)
                threads.leave()
            }
        }
    }

    private func configure(_ fd: Int32) {
        var yes: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: Int(idleTimeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Serves requests on one connection until it closes, errs, or a response says close.
    private func serve(_ fd: Int32) {
        var reader = HTTPRequestReader(fd: fd)
        while true {
            switch reader.next() {
            case .closed:
                return
            case .bad(let status, let message):
                _ = HTTPWire.send(fd, HTTPWire.encode(.message(message, status: status), keepAlive: false))
                return
            case .request(let request, let keepAlive):
                let response = handler(request)
                if response.delay > 0 { Thread.sleep(forTimeInterval: response.delay) }
                switch response.fault {
                case .drop?:
                    return
                case .truncate?:
                    _ = HTTPWire.send(fd, HTTPWire.encodeTruncated(response))
                    return
                case nil:
                    let open = keepAlive && response.headers["Connection"]?.lowercased() != "close"
                    guard HTTPWire.send(fd, HTTPWire.encode(response, keepAlive: open)), open else { return }
                }
            }
        }
    }
}

/// A socket that could not be set up.
public struct HTTPServerError: Error, Sendable, CustomStringConvertible {
    public let operation: String
    public let port: UInt16
    public let errorNumber: Int32

    init(operation: String, port: UInt16) {
        self.operation = operation; self.port = port; self.errorNumber = errno
    }

    public var description: String {
        "cannot \(operation) on 127.0.0.1:\(port): \(String(cString: strerror(errorNumber))); choose another --port or 0 for any free one"
    }
}
