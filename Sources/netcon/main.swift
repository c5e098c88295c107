import Subcommands

NetconMain.run()
