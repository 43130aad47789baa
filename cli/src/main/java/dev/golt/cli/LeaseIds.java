// LeaseIds: lease IDs as etcdctl reads and prints them (hexadecimal, printed as %016x).
package dev.golt.cli;

final class LeaseIds {

    private LeaseIds() {}

    static long parse(String text) {
        String s = text.strip();
        if (s.startsWith("0x") || s.startsWith("0X")) {
            s = s.substring(2);
        }
        try {
            return Long.parseLong(s, 16);
        } catch (NumberFormatException e) {
            throw new CliException(ExitCodes.USAGE, "bad lease ID '" + text + "': expected hexadecimal, as 'lease grant' prints it");
        }
    }

    static String format(long id) {
        return String.format("%016x", id);
    }
}
