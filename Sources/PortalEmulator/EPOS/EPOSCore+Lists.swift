import JournalModel

/// Reference data and the paged journal lists.
extension EPOSCore {
    func reference(_ name: String, _ req: HTTPRequest, _ st: EPOSState) -> HTTPResponse {
        let classID = req.query["class_unit_id"]
        if name == "groups" || name == "students" {
            if let classID, st.school.classUnit(classID) == nil { return Self.error(404, "not_found", "нет класса \(classID)") }
            if classID == nil, !options.extensions { return Self.error(400, "bad_request", "class_unit_id: обязательный параметр") }
        }
        switch name {
        case "academic_years":
            return .json(.array([st.academicYearJSON()]))
        case "periods":
            return .json(st.periodsJSON())
        case "subjects":
            return .json(st.subjectsJSON())
        case "control_forms":
            let subject = req.query["subject_id"]
            if let subject, st.school.subject(subject) == nil { return Self.error(404, "not_found", "нет предмета \(subject)") }
            if subject == nil, !options.extensions { return Self.error(400, "bad_request", "subject_id: обязательный параметр") }
            return .json(st.controlFormsJSON(subjectID: subject, extensions: options.extensions))
        case "absence_reasons":
            return .json(st.absenceReasonsJSON())
        case "class_units":
            return .json(st.classUnitsJSON())
        case "groups":
            return .json(st.groupsJSON(classUnitID: classID, extensions: options.extensions))
        case "teachers" where options.extensions:
            return .json(st.teachersJSON())
        case "students":
            let rows = st.all(.student).filter { classID == nil || $0.string("class_unit_id") == classID }
                .sorted { ($0.string("last_name") ?? "", $0.string("first_name") ?? "", $0.id) < ($1.string("last_name") ?? "", $1.string("first_name") ?? "", $1.id) }
            return .json(.array(rows.map { st.wireRow($0, extensions: options.extensions) }))
        default:
            return Self.error(404, "not_found", "нет такого адреса: \(req.path)")
        }
    }

    /// What a list request asks for, read from its query.
    private struct ListQuery {
        var page = 1
        var perPage = 50
        var updatedFrom: Int64?
        var classID: String?
        var from: CivilDate?
        var to: CivilDate?
        var periodID: String?

        /// The filter besides `updated_at_from`; final marks have no lesson dates to filter by.
        func filter(_ kind: EPOSKind) -> EPOSListFilter {
            kind == .finalMark ? EPOSListFilter(classID: classID, periodID: periodID)
                : EPOSListFilter(classID: classID, periodID: periodID, from: from, to: to)
        }
    }

    private func listQuery(_ kind: EPOSKind, _ req: HTTPRequest, _ st: EPOSState) -> Result<ListQuery, HTTPResponseBox> {
        var q = ListQuery()
        func bad(_ message: String) -> Result<ListQuery, HTTPResponseBox> { .failure(HTTPResponseBox(Self.error(400, "bad_request", message))) }
        if let text = req.query["page"] {
            guard let n = Int(text), n >= 1 else { return bad("page: целое число от 1") }
            q.page = n
        }
        if let text = req.query["per_page"] {
            guard let n = Int(text), (1...100).contains(n) else { return bad("per_page: целое число от 1 до 100") }
            q.perPage = n
        }
        if let text = req.query["updated_at_from"] {
            // A space for the `+` of an offset (a client that did not percent-encode it) only with extensions.
            guard options.extensions || !text.contains(" "), let ms = EPOSTime.parse(text) else {
                return bad("updated_at_from: ожидается время ISO 8601 со смещением, например 2026-09-07T08:30:00.000+05:00 (знак + кодируется как %2B)")
            }
            q.updatedFrom = ms
        }
        for (name, keyPath) in [("from", \ListQuery.from), ("to", \ListQuery.to)] {
            guard let text = req.query[name] else { continue }
            guard text.utf8.count == 10, let d = CivilDate(iso: text) else { return bad("\(name): ожидается дата ГГГГ-ММ-ДД") }
            q[keyPath: keyPath] = d
        }
        if let c = req.query["class_unit_id"] {
            guard st.school.classUnit(c) != nil else { return .failure(HTTPResponseBox(Self.error(404, "not_found", "нет класса \(c)"))) }
            q.classID = c
        } else if !options.extensions {
            return bad("class_unit_id: обязательный параметр (списки журнала — по классу)")
        }
        if kind == .finalMark, let p = req.query["period_id"] {
            guard st.school.period(p) != nil else { return .failure(HTTPResponseBox(Self.error(404, "not_found", "нет периода \(p)"))) }
            q.periodID = p
        }
        return .success(q)
    }

    /// `GET /core/api/{schedule_items,marks,attendances,final_marks}`: filtered, ordered by
    /// `updated_at` then id, one page with `X-Total-Count` and a `Link` to the next.
    ///
    /// With `mutate` (the `mutate-while-paging` fault) and a next page to come, the first row of
    /// this page is then touched: it moves to the end, and the rows after it shift back by one.
    func list(_ kind: EPOSKind, _ req: HTTPRequest, _ s: inout EPOSCoreState, mutate: Bool) -> HTTPResponse {
        let q: ListQuery
        switch listQuery(kind, req, s.state) {
        case .failure(let box): return box.response
        case .success(let v): q = v
        }
        let skip = (q.page - 1) * q.perPage
        let page = s.state.listPage(kind, updatedFrom: q.updatedFrom, filter: q.filter(kind), skip: skip, limit: q.perPage)
        // The rows written straight to text: `.json(.array(rows))` without the tree.
        var text = "["
        let hidden = EPOSState.hiddenFields(kind)
        for id in page.ids {
            guard let r = s.state.record(kind, id) else { continue }
            if text.utf8.count > 1 { text += "," }
            s.state.writeWireRow(r, extensions: options.extensions, hidden: hidden, to: &text)
        }
        text += "]"
        var response = HTTPResponse(status: 200, headers: ["Content-Type": "application/json; charset=utf-8"], body: Array(text.utf8))
        response.headers.add("X-Total-Count", String(page.total))
        let hasNext = skip + page.ids.count < page.total
        if hasNext { response.headers.add("Link", "<\(link(req, page: q.page + 1, perPage: q.perPage))>; rel=\"next\"") }
        if mutate, hasNext, let first = page.ids.first {
            _ = s.state.touch(kind, id: first, now: now)
            inject(.mutateWhilePaging, &s)
            persist(s.state)
        }
        return response
    }

    /// The same request for another page: absolute when the request named its `Host`.
    private func link(_ req: HTTPRequest, page: Int, perPage: Int) -> String {
        var query = req.query
        query["page"] = String(page)
        query["per_page"] = String(perPage)
        let text = query.keys.sorted().map { "\(URLEncoding.encode($0))=\(URLEncoding.encode(query[$0]!))" }.joined(separator: "&")
        let base = req.headers["Host"].map { "http://\($0)" } ?? ""
        return "\(base)\(req.path)?\(text)"
    }
}

/// An early answer carried through a `Result`.
struct HTTPResponseBox: Error {
    let response: HTTPResponse
    init(_ response: HTTPResponse) { self.response = response }
}
