import Foundation
import Gateway

exit(CLI.run(Array(CommandLine.arguments.dropFirst())))
