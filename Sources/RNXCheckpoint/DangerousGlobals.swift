import RNXPickle

/// Why well-known globals are dangerous to unpickle: what Python does when a pickle names and calls them.
///
/// Only the reasons live here; whether a global is dangerous is decided by the allowlist (`GlobalClass`), so a
/// name missing from these tables is still reported as dangerous, with the generic reason.
enum DangerousGlobals {
    static let shell = "runs a shell command"
    static let program = "runs a program"
    static let code = "runs Python code"
    static let importing = "imports any module by name"
    static let attributes = "walks attributes to reach any object"
    static let files = "reads, writes or deletes files"
    static let network = "opens network connections"
    static let unpickling = "loads more serialized objects (another pickle, marshal data)"
    static let native = "loads and calls native code"
    static let processes = "controls processes or the interpreter"
    static let callables = "calls another callable"
    static let generic = "not on rnx's allowlist; Python imports and may call it"

    /// Exact names, after CPython's Python 2 renames (`__builtin__` is `builtins`, `commands` is `subprocess`).
    static let names: [String: String] = {
        var table: [String: String] = [:]
        for module in ["os", "posix", "nt"] {
            for name in ["system", "popen"] { table[module + "." + name] = shell }
            for name in ["execl", "execle", "execlp", "execlpe", "execv", "execve", "execvp", "execvpe", "spawnl",
                         "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe", "posix_spawn",
                         "posix_spawnp", "startfile", "fork", "forkpty"] {
                table[module + "." + name] = program
            }
            for name in ["remove", "unlink", "rmdir", "removedirs", "rename", "renames", "replace", "mkdir", "makedirs",
                         "chmod", "chown", "open", "write", "truncate", "symlink", "link", "listdir", "scandir", "walk"] {
                table[module + "." + name] = files
            }
            for name in ["kill", "killpg", "_exit", "abort", "putenv", "unsetenv", "setuid", "setgid"] {
                table[module + "." + name] = processes
            }
            table[module + ".environ"] = "the environment of the process (a change reaches every program it runs)"
        }
        for name in ["getoutput", "getstatusoutput"] { table["subprocess." + name] = shell }
        for name in ["Popen", "call", "run", "check_call", "check_output"] { table["subprocess." + name] = program }
        table["pty.spawn"] = program
        for name in ["create_subprocess_shell"] { table["asyncio." + name] = shell }
        table["asyncio.create_subprocess_exec"] = program
        for name in ["eval", "exec", "compile", "execfile"] { table["builtins." + name] = code }
        table["builtins.__import__"] = importing
        table["builtins.getattr"] = attributes
        table["builtins.setattr"] = "sets attributes of any object"
        table["builtins.delattr"] = "deletes attributes of any object"
        for name in ["globals", "locals", "vars"] { table["builtins." + name] = "reaches the interpreter's namespaces" }
        table["builtins.open"] = files
        table["builtins.breakpoint"] = "starts the debugger"
        table["builtins.input"] = "reads the terminal"
        for name in ["import_module", "__import__", "reload"] { table["importlib." + name] = importing }
        table["pkgutil.resolve_name"] = "imports any module and walks attributes by name"
        table["pkgutil.get_importer"] = importing
        for name in ["run_path", "run_module", "_run_code", "_run_module_code", "_run_module_as_main"] {
            table["runpy." + name] = code
        }
        for name in ["interact", "InteractiveInterpreter", "InteractiveConsole", "compile_command"] {
            table["code." + name] = code
        }
        for name in ["timeit", "repeat", "Timer"] { table["timeit." + name] = code }
        for name in ["run", "runctx", "runcall", "Profile"] { table["cProfile." + name] = code; table["profile." + name] = code }
        for name in ["run", "runeval", "runctx", "runcall", "set_trace", "Pdb"] { table["pdb." + name] = code }
        table["operator.attrgetter"] = attributes
        table["operator.methodcaller"] = "calls a method of any object by name"
        table["functools.partial"] = callables
        table["functools.reduce"] = callables
        for name in ["open", "open_new", "open_new_tab", "get"] { table["webbrowser." + name] = "opens a URL in a browser" }
        for name in ["socket", "create_connection", "create_server", "fromfd", "socketpair"] {
            table["socket." + name] = network
        }
        for name in ["urlopen", "urlretrieve", "Request", "build_opener"] { table["urllib.request." + name] = network }
        for name in ["HTTPConnection", "HTTPSConnection"] { table["http.client." + name] = network }
        for name in ["get", "post", "put", "request", "Session"] { table["requests." + name] = network }
        table["smtplib.SMTP"] = network
        table["ftplib.FTP"] = network
        table["telnetlib.Telnet"] = network
        for name in ["rmtree", "copy", "copy2", "copyfile", "copytree", "move", "chown", "make_archive",
                     "unpack_archive"] {
            table["shutil." + name] = files
        }
        table["io.open"] = files
        table["io.FileIO"] = files
        table["_io.open"] = files
        table["_io.FileIO"] = files
        for name in ["Path", "PosixPath", "WindowsPath"] { table["pathlib." + name] = files }
        for name in ["loads", "load", "_loads", "_load", "Unpickler"] {
            table["pickle." + name] = unpickling
            table["_pickle." + name] = unpickling
        }
        for name in ["loads", "load"] { table["marshal." + name] = unpickling; table["dill." + name] = unpickling }
        table["shelve.open"] = unpickling
        table["torch.load"] = unpickling
        table["torch.storage._load_from_bytes"] = unpickling
        table["torch.jit.load"] = "loads and runs TorchScript code"
        table["torch.hub.load"] = "downloads and runs code from the network"
        table["torch.hub.load_state_dict_from_url"] = network
        table["numpy.load"] = unpickling
        table["joblib.load"] = unpickling
        for name in ["load", "unsafe_load", "full_load"] { table["yaml." + name] = "builds objects from YAML (may run code)" }
        for name in ["CDLL", "PyDLL", "cdll", "pydll", "pythonapi", "LibraryLoader"] { table["ctypes." + name] = native }
        table["_ctypes.dlopen"] = native
        table["sys.exit"] = processes
        table["sys.modules"] = "reaches every loaded module"
        table["sys.settrace"] = code
        table["sys.setprofile"] = code
        table["multiprocessing.Process"] = program
        table["signal.signal"] = processes
        for name in ["FunctionType", "CodeType", "LambdaType", "MethodType"] { table["types." + name] = "builds functions from code objects" }
        table["gc.get_objects"] = "reaches every object of the interpreter"
        table["gc.get_referrers"] = "reaches every object of the interpreter"
        return table
    }()

    /// Reasons for whole modules (and their submodules), for names not listed one by one.
    static let modules: [String: String] = [
        "os": "operating-system access (processes, files, environment)",
        "posix": "operating-system access (processes, files, environment)",
        "nt": "operating-system access (processes, files, environment)",
        "subprocess": program, "pty": program, "asyncio": "runs subprocesses and network connections",
        "builtins": "a Python builtin outside rnx's allowlist", "sys": "the interpreter's internals",
        "importlib": importing, "pkgutil": importing, "runpy": code, "code": code, "codeop": code, "timeit": code,
        "pdb": code, "bdb": code, "cProfile": code, "profile": code, "trace": code, "types": code,
        "operator": "calls or reaches attributes by name", "functools": callables,
        "webbrowser": "opens a URL in a browser", "socket": network, "_socket": network, "ssl": network,
        "urllib": network, "http": network, "requests": network, "ftplib": network, "smtplib": network,
        "telnetlib": network, "xmlrpc": network, "socketserver": network,
        "shutil": files, "pathlib": files, "io": files, "_io": files, "tempfile": files, "glob": files,
        "ctypes": native, "_ctypes": native, "cffi": native,
        "pickle": unpickling, "_pickle": unpickling, "marshal": unpickling, "dill": unpickling, "shelve": unpickling,
        "multiprocessing": processes, "signal": processes, "threading": processes, "_thread": processes,
        "gc": "reaches every object of the interpreter", "inspect": "reaches frames and code of the interpreter",
    ]

    /// The reason `global` is dangerous: its own entry, its module's, or the generic one.
    static func reason(for global: GlobalName) -> String {
        if global == GlobalName.opaqueCall { return "calls the result of another call (a value the pickle computed)" }
        if global.module == PickleScan.computed || global.name == PickleScan.computed {
            return "a name computed when the pickle loads (any global)"
        }
        if let reason = names[global.description] { return reason }
        // Protocol 4 resolves `a.b` in a name attribute by attribute (`os.path` `join.__globals__`, ...).
        if global.name.contains(".") { return attributes + " (a dotted name)" }
        var module = Substring(global.module)
        while true {
            if let reason = modules[String(module)] { return reason }
            guard let dot = module.lastIndex(of: ".") else { break }
            module = module[..<dot]
        }
        return generic
    }
}
