import JournalModel

/// The protocol's endpoints (`/webapi/…`), with fault injection in front of them.
extension EmulatorCore {
    enum Endpoint: Equatable {
        case getData, login, logout, year, terms, assignmentTypes, subjects, classes, students(Int), teachers
        case journal, finalMarks, changes, batch

        /// The endpoint for a method and path; nil with a status (404 or 405) otherwise.
        static func match(_ method: String, _ path: String) -> (Endpoint?, Int) {
            let table: [String: (String, Endpoint)] = [
                "/webapi/auth/getdata": ("POST", .getData), "/webapi/login": ("POST", .login),
                "/webapi/auth/logout": ("POST", .logout), "/webapi/years/current": ("GET", .year),
                "/webapi/terms": ("GET", .terms), "/webapi/grade/assignment/types": ("GET", .assignmentTypes),
                "/webapi/subjects": ("GET", .subjects), "/webapi/classes": ("GET", .classes),
                "/webapi/teachers": ("GET", .teachers), "/webapi/journal": ("GET", .journal),
                "/webapi/finalmarks": ("GET", .finalMarks), "/webapi/changes": ("GET", .changes),
                "/webapi/journal/batch": ("POST", .batch),
            ]
            var entry = table[path]
            let parts = path.split(separator: "/")
            if entry == nil, parts.count == 4, parts[0] == "webapi", parts[1] == "classes", parts[3] == "students" {
                guard let id = Int(parts[2]) else { return (nil, 404) }
                entry = ("GET", .students(id))
            }
            guard let (m, endpoint) = entry else { return (nil, 404) }
            return m == method ? (endpoint, 200) : (nil, 405)
        }

        var needsSession: Bool { self != .getData && self != .login }
    }

    func protocolRequest(_ req: HTTPRequest, _ s: inout CoreState) -> HTTPResponse {
        let (found, status) = Endpoint.match(req.method, req.path)
        guard let endpoint = found else {
            return .message(status == 405 ? "Метод не поддерживается" : "Не найдено", status: status)
        }
        let token = req.headers["at"]
        let decision = s.faults.decide(isBatch: endpoint == .batch, isFeed: endpoint == .changes,
                                       hasSession: endpoint.needsSession && token != nil)
        switch decision {
        case .status(let code):
            inject(decision, &s)
            let text = [500: "Внутренняя ошибка сервера", 502: "Ошибка шлюза", 503: "Сервис временно недоступен",
                        504: "Шлюз не дождался ответа"][code] ?? "Слишком много запросов"
            var r = HTTPResponse.message(text, status: code)
            if code == 429 || code == 503 { r.headers.add("Retry-After", String(options.faults.retryAfter)) }
            return r
        case .dropBefore:
            inject(decision, &s)
            var r = HTTPResponse(status: 0)
            r.fault = .drop
            return r
        case .expireToken:
            if s.sessions.end(token) {
                inject(decision, &s)
                return .message("Сессия завершена", status: 401)
            }
        default:
            break
        }
        if endpoint.needsSession, !s.sessions.touch(token, now: now) { return .message("Сессия завершена", status: 401) }

        var response = serve(endpoint, req, &s, repeatEdges: decision == .dupPage)
        switch decision {
        case .dropAfter: response.fault = .drop; inject(decision, &s)
        case .truncate: response.fault = .truncate; inject(decision, &s)
        case .dupPage: inject(decision, &s)
        default: break
        }
        return response
    }

    private func inject(_ d: FaultInjector.Decision, _ s: inout CoreState) {
        s.faults.record(d)
        s.portal.counters.faultsInjected += 1
    }

    private func serve(_ endpoint: Endpoint, _ req: HTTPRequest, _ s: inout CoreState, repeatEdges: Bool) -> HTTPResponse {
        let c = s.portal.config
        switch endpoint {
        case .getData:
            return .json(s.sessions.begin(now: now))
        case .login:
            return s.sessions.login(req.form, config: c, now: now)
        case .logout:
            s.sessions.end(req.headers["at"])
            return .json(.object([]))
        case .year:
            return .json(.object([("id", .int(c.year.id)), ("name", .string(c.year.name)),
                                  ("startDate", PortalState.dateTime(c.year.start)), ("endDate", PortalState.dateTime(c.year.end))]))
        case .terms:
            return .json(.array(c.terms.map { .object([("id", .int($0.id)), ("name", .string($0.name)),
                                                       ("startDate", PortalState.dateTime($0.start)), ("endDate", PortalState.dateTime($0.end))]) }))
        case .assignmentTypes:
            return .json(.array(c.assignmentTypes.sorted { ($0.order, $0.id) < ($1.order, $1.id) }.map {
                .object([("id", .int($0.id)), ("abbr", .string($0.abbr)), ("name", .string($0.name)), ("order", .int($0.order))])
            }))
        case .subjects:
            return .json(.array(c.subjects.map { .object([("id", .int($0.id)), ("name", .string($0.name))]) }))
        case .classes:
            return .json(.array(c.classes.map { .object([("id", .int($0.id)), ("name", .string($0.name)), ("grade", .int($0.grade)),
                                                         ("teacherId", PortalState.number($0.teacherId))]) }))
        case .teachers:
            return .json(.array(c.teachers.map { .object([("id", .int($0.id)), ("lastName", .string($0.lastName)),
                                                          ("firstName", .string($0.firstName)), ("middleName", PortalState.text($0.middleName))]) }))
        case .students(let classId):
            guard c.schoolClass(classId) != nil else { return .message("Класс \(classId) не найден", status: 404) }
            let list = s.portal.students.values.filter { $0.classId == classId }
                .sorted { ($0.lastName, $0.firstName, $0.id) < ($1.lastName, $1.firstName, $1.id) }
            return .json(.array(list.map { s.portal.studentJSON($0, feed: false) }))
        case .journal:
            return journalPage(req, s.portal)
        case .finalMarks:
            return finalMarks(req, s.portal)
        case .changes:
            return changes(req, s.portal, repeatEdges: repeatEdges)
        case .batch:
            return batch(req, &s)
        }
    }

    /// A whole-number query parameter: `.absent`, `.malformed` or its value.
    private enum Parameter { case absent, malformed, value(Int) }

    private func intParameter(_ req: HTTPRequest, _ name: String) -> Parameter {
        guard let text = req.query[name] else { return .absent }
        return Int(text).map(Parameter.value) ?? .malformed
    }

    private func journalPage(_ req: HTTPRequest, _ p: PortalState) -> HTTPResponse {
        guard case .value(let classId) = intParameter(req, "classId") else {
            return .message("Не указан параметр classId (целое число)", status: 400)
        }
        guard let text = req.query["weekStart"], let week = CivilDate(iso: text) else {
            return .message("Не указан параметр weekStart (дата понедельника, ГГГГ-ММ-ДД)", status: 400)
        }
        guard week.weekday == 1 else { return .message("weekStart должен быть понедельником: \(week.russian) не понедельник", status: 400) }
        guard let cls = p.config.schoolClass(classId) else { return .message("Класс \(classId) не найден", status: 404) }
        return .json(p.weekPage(cls, weekStart: week))
    }

    private func finalMarks(_ req: HTTPRequest, _ p: PortalState) -> HTTPResponse {
        guard case .value(let classId) = intParameter(req, "classId"), case .value(let termId) = intParameter(req, "termId") else {
            return .message("Не указаны параметры classId и termId (целые числа)", status: 400)
        }
        guard p.config.schoolClass(classId) != nil else { return .message("Класс \(classId) не найден", status: 404) }
        guard p.config.term(termId) != nil else { return .message("Учебный период \(termId) не найден", status: 404) }
        let list = p.finalMarks.filter { $0.key.termId == termId && p.students[$0.key.studentId]?.classId == classId }
            .sorted { $0.key < $1.key }
        return .json(.array(list.map { p.finalMarkJSON($0.key, $0.value, feed: false) }))
    }

    private func changes(_ req: HTTPRequest, _ p: PortalState, repeatEdges: Bool) -> HTTPResponse {
        guard case .value(let since) = intParameter(req, "since"), since >= 0 else {
            return .message("Не указан параметр since (целое число, 0 или больше)", status: 400)
        }
        var limit = 500
        switch intParameter(req, "limit") {
        case .absent: break
        case .value(let n) where n >= 1: limit = min(n, 500)
        default: return .message("Параметр limit должен быть от 1 до 500", status: 400)
        }
        guard let page = p.feed(since: since, limit: limit, repeatEdges: repeatEdges) else {
            return .message("Журнал изменений усечён", status: 410)
        }
        return .json(.object([("items", .array(page.items)), ("next", .int(page.next)), ("latest", .int(page.latest))]))
    }

    /// `POST /webapi/journal/batch`: idempotent by key, at most 200 operations, each applied or not on its own.
    private func batch(_ req: HTTPRequest, _ s: inout CoreState) -> HTTPResponse {
        guard let key = req.headers["Idempotency-Key"], !key.isEmpty else {
            return .message("Не указан заголовок Idempotency-Key", status: 400)
        }
        let now = self.now
        s.portal.idempotency = s.portal.idempotency.filter { now - $0.value.storedAt < 7 * 86_400 + 3_600 }
        if let stored = s.portal.idempotency[key] {
            s.portal.counters.idempotentReplays += 1
            if stored.requestMD5 != MD5.hex(req.body) { s.portal.counters.mismatchedReplays += 1 }
            var headers: HTTPHeaders = ["Content-Type": "application/json; charset=utf-8"]
            // A header formats/asu-rso.md does not have: only with extensions.
            if options.extensions { headers.add("Idempotent-Replay", "true") }
            return HTTPResponse(status: stored.status, headers: headers, body: Array(stored.body.utf8))
        }
        guard let body = try? JSON.parse(bytes: req.body), let ops = body["operations"]?.array else {
            return .message("Тело запроса должно быть JSON-объектом {\"operations\": […]}", status: 400)
        }
        guard ops.count <= 200 else { return .message("Не более 200 операций в одном запросе (получено \(ops.count))", status: 413) }
        for (i, op) in ops.enumerated() {
            guard let k = op["key"]?.string, !k.isEmpty else { return .message("Операция \(i + 1): не указан key", status: 400) }
        }
        let today = today(s.portal.config)
        var results: [JSON] = []
        for op in ops {
            let (result, outcome) = s.portal.apply(op, mode: .client, today: today)
            results.append(result)
            if case .applied = outcome { s.portal.counters.operationsApplied += 1 }
        }
        let answer = JSON.object([("results", .array(results))])
        s.portal.idempotency[key] = StoredResponse(status: 200, body: answer.serialized(), storedAt: now, requestMD5: MD5.hex(req.body))
        persist(&s.portal)
        return .json(answer)
    }
}
