import ArgumentParser
import RNXArch

/// `rnx archs`: every architecture rnx knows by name, with its parameter count.
struct ArchsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archs",
        abstract: "List the named architectures with their parameter counts.",
        discussion: """
            Names work wherever an architecture is expected (--arch, rnx summary, rnx bench). \
            CIFAR nets take a -b suffix for the option-B (projection shortcut) variant, e.g. resnet20-b.
            """
    )

    @Flag(help: "Print the list as a JSON array (name, family, block, stages, groups, width_per_group, shortcut, parameters).")
    var json = false

    func run() throws {
        print(json ? ArchitectureList.json() : ArchitectureList.render())
    }
}
