import Foundation
import JournalStore

/// `--log-format text|json` for every command (issue 18 item 4): when a log format is asked
/// for (the flag, `$JOURNAL_GATEWAY_LOG_FORMAT` or the configuration's `log-format`), each line
/// a command writes on standard error becomes one event — time, level (error, warning, info,
/// from the line's own `error:` / `warning:` in either language), the run id and the command —
/// in the ``NightLog`` format. Without one, standard error carries the plain lines for a person
/// at a terminal. `night` writes its own events (its run id is the night's).
enum CommandLog {
    /// A run id for one command: `sync-asu-rso-20261203013000`.
    static func runID(_ words: [String], at date: Date = Date()) -> String {
        words.joined(separator: "-") + "-" + JournalStore.timestamp(date).filter(\.isNumber).prefix(14)
    }

    /// A console whose standard error lines are events of `log`; standard output unchanged.
    static func console(_ base: Console, log: NightLog, command: String) -> Console {
        Console(isTerminal: base.isTerminal, out: { base.out($0) }, err: { text in
            for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
                log.event(NightLog.level(of: line), step: command, String(line))
            }
        })
    }
}
