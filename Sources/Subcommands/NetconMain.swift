public enum NetconMain { public static func run() {} }
