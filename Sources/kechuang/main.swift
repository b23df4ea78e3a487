import CLI
import Foundation

exit(await Kechuang.main(Array(CommandLine.arguments.dropFirst())))
