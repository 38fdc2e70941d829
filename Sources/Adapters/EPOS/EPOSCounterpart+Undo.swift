/// What reading a page teaches the adapter (each schedule item's subject and class, the
/// teachers delivered and warned about, the warnings), undone when the page breaks the
/// document: nothing of such a page is kept.
///
/// While a page is read every change notes what it replaced; a failed page puts those back
/// (newest first). Copying the maps before every page, as was done before, cost a copy of
/// everything learned so far per schedule-items page: quadratic over a full pull (the same
/// as the АСУ РСО adapter's, fixed by ``ASURSOMemory``).
extension EPOSCounterpart {
    enum Undo: Sendable {
        case subject(String, String?)
        case lessonClass(String, String?)
        case delivered(String)
        case warned(String)
        case warnings(Int)
    }

    /// Starts noting changes (a page is about to be read).
    func beginPage() { undo = [] }

    /// The page was read: its changes stay.
    func commitPage() { undo = nil }

    /// The page broke the document: its changes are put back.
    func rollbackPage() {
        guard let log = undo else { return }
        undo = nil
        for u in log.reversed() {
            switch u {
            case .subject(let id, let old): lessonSubject[id] = old
            case .lessonClass(let id, let old): lessonClass[id] = old
            case .delivered(let t): teachersDelivered.remove(t)
            case .warned(let t): warnedTeachers.remove(t)
            case .warnings(let count): warnings.removeSubrange(count...)
            }
        }
    }

    func setLessonSubject(_ id: String, _ subject: String) {
        if undo != nil { undo!.append(.subject(id, lessonSubject[id])) }
        lessonSubject[id] = subject
    }

    func setLessonClass(_ id: String, _ classID: String) {
        if undo != nil { undo!.append(.lessonClass(id, lessonClass[id])) }
        lessonClass[id] = classID
    }

    /// Notes a teacher as delivered in this run; whether it was not yet.
    func markDelivered(_ teacher: String) -> Bool {
        guard teachersDelivered.insert(teacher).inserted else { return false }
        undo?.append(.delivered(teacher))
        return true
    }

    /// Notes a teacher as warned about, with the warning; whether it was not yet.
    func warnOnce(_ teacher: String, _ warning: @autoclosure () -> String) -> Bool {
        guard warnedTeachers.insert(teacher).inserted else { return false }
        undo?.append(.warned(teacher))
        undo?.append(.warnings(warnings.count))
        warnings.append(warning())
        return true
    }
}
