import JournalModel
import JournalStore

/// The lessons of a date range, indexed the ways the reports ask.
struct LessonIndex {
    /// Where lessons are taught: a class, a subject and the group (nil: the whole class).
    struct Stream: Hashable { let classID: String; let subject: String; let group: String? }

    let lessons: [ReportRows.Lesson]
    let byID: [String: ReportRows.Lesson]
    /// The subjects each class has lessons in.
    let subjectsByClass: [String: Set<String>]
    /// The streams of each class, with their lessons.
    let streams: [Stream: [ReportRows.Lesson]]

    init(_ lessons: [ReportRows.Lesson]) {
        self.lessons = lessons
        byID = Dictionary(uniqueKeysWithValues: lessons.map { ($0.id, $0) })
        var subjects: [String: Set<String>] = [:]
        var streams: [Stream: [ReportRows.Lesson]] = [:]
        for l in lessons {
            subjects[l.classID, default: []].insert(l.subject)
            streams[Stream(classID: l.classID, subject: l.subject, group: l.group), default: []].append(l)
        }
        subjectsByClass = subjects
        self.streams = streams
    }

    /// The teacher of a stream: who taught most of its lessons, lessons given by a substitute
    /// not counted; a tie goes to the teacher whose name sorts first.
    static func teacher(of lessons: [ReportRows.Lesson], names: [String: String]) -> String? {
        var count: [String: Int] = [:]
        for l in lessons where l.substitute == nil { if let t = l.teacher { count[t, default: 0] += 1 } }
        return count.max { a, b in a.value != b.value ? a.value < b.value : (names[a.key] ?? a.key) > (names[b.key] ?? b.key) }?.key
    }
}
