import Foundation
import Testing
@testable import Gateway
import JournalModel
import JournalStore
import TestSupport

/// `epos/teachers.tsv`: the names a person gives for ЭПОС teacher ids.
struct EPOSTeacherBookTests {
    @Test func linesGiveNamesAndMistakesNameTheLine() throws {
        let text = "# comment\nteacher_id\tsurname\tname\tpatronymic\nt-307\tБелов\tДмитрий\tСергеевич\nt-308\tКим\tАнна\t\n\n"
        let named = try EPOSTeacherBook.named(text, path: "epos/teachers.tsv")
        #expect(named["t-307"] == FieldValues(.teacher, checked: ["surname": .text("Белов"), "name": .text("Дмитрий"), "patronymic": .text("Сергеевич")]))
        #expect(named["t-308"]?["patronymic"] == .null && named.count == 2)
        #expect(throws: GatewayError.self) { try EPOSTeacherBook.named("t-1\tБелов\n", path: "x") }
        #expect(throws: GatewayError.self) { try EPOSTeacherBook.named("t-1\tА\tБ\nt-1\tВ\tГ\n", path: "x") }
        let dir = try TempDir()
        let store = try JournalStore.create(at: dir.path("s.sqlite"), school: "Школа", timeZone: "Asia/Yekaterinburg")
        #expect(try EPOSTeacherBook.load(store, mappings: packageRoot.path + "/mappings").named.isEmpty, "the shipped table names nobody")
    }
}
