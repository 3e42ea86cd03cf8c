#include "manpage.h"

#include "closecodes.h"
#include "options.h"

namespace pairmatch {

using namespace Qt::StringLiterals;

QString roffEscape(const QString &text)
{
    QString out;
    out.reserve(text.size() + 8);
    for (const QChar c : text) {
        if (c == u'\\')
            out += u"\\e"_s;
        else if (c == u'-')
            out += u"\\-"_s;
        else
            out += c;
    }
    if (out.startsWith(u'.') || out.startsWith(u'\''))
        out.prepend(u"\\&"_s);
    return out;
}

namespace {

QString para(const QString &text)
{
    return roffEscape(text) + u'\n';
}

// .TP with a bold first line and the text under it
QString item(const QString &head, const QString &text)
{
    return u".TP\n"_s + head + u'\n' + para(text);
}

QString bold(const QString &text)
{
    return u"\\fB"_s + roffEscape(text) + u"\\fR"_s;
}

QString italic(const QString &text)
{
    return u"\\fI"_s + roffEscape(text) + u"\\fR"_s;
}

} // namespace

QString pairmatchManPage(const QString &version, const QString &date)
{
    QString page;
    page += u".\\\" Made by the build from the flag table (server/options.cpp): do not edit.\n"_s;
    page += u".TH PAIRMATCH 1 \"%1\" \"pairmatch %2\" \"User Commands\"\n"_s.arg(date, version);
    page
        += u".SH NAME\npairmatch \\- two\\-player matchmaking and round\\-relay WebSocket server\n"_s;
    page += u".SH SYNOPSIS\n.B pairmatch\n.RB [ \\-\\-no\\-gui ]\n.RI [ OPTION ...]\n"_s;
    page += u".SH DESCRIPTION\n"_s;
    page += para(u"pairmatch pairs two players who ask for the same game type, first come "
                 "first served, then relays every move of their round to both seats in one "
                 "order. It speaks JSON over WebSocket (ws:// or wss://) on one event-loop "
                 "thread. Players open /ws/matching/TYPE, then /ws/round/PAIRID."_s);
    page += u".PP\n"_s;
    page += para(u"With --no-gui it runs as a server only. Without it, it also opens the operator "
                 "dashboard in the same process; with no display to open it on, it exits with "
                 "status 2 at a terminal, and runs as a server only (with one warning) when "
                 "stdin is not a terminal, as under systemd."_s);
    page += u".PP\n"_s;
    page += para(u"Once listening it prints one line, \"listening on ws://HOST:PORT\", on stdout "
                 "(then \"admin on ...\" and \"metrics on ...\" when those are on); logs go to "
                 "stderr."_s);

    page += u".SH OPTIONS\n"_s;
    page += para(u"Every option can also be set with the environment variable shown under it; "
                 "the option wins. A switch is set from the environment with 1, true or yes. A "
                 "bad value stops the server with a one-line error naming the option or the "
                 "variable, and exit status 2."_s);
    for (const OptionDoc &o : optionDocs()) {
        QString head = bold(u"--"_s + o.name);
        if (!o.valueName.isEmpty())
            head += u' ' + italic(o.valueName);
        page += u".TP\n"_s + head + u'\n' + para(o.help);
        page += u".br\nEnvironment: "_s + bold(o.environment) + u'\n';
    }
    page += item(bold(u"-h"_s) + u", "_s + bold(u"--help"_s), u"Show the options and exit."_s);
    page += item(bold(u"--version"_s), u"Show the version and exit."_s);

    page += u".SH SIGNALS\n"_s;
    page += item(bold(u"SIGTERM"_s) + u", "_s + bold(u"SIGINT"_s),
        u"Stop accepting, close every connection with 1001 (\"server shutting down\") and exit "
        "0 within 5 seconds; the port is free at once. /readyz answers 503 meanwhile. A second "
        "signal exits at once."_s);
    page += item(bold(u"SIGHUP"_s),
        u"Read the --tls-cert and --tls-key files again: connections accepted from then on get "
        "the new certificate, open ones keep theirs. A pair that cannot be read, or whose key is "
        "not the certificate's, is logged and the pair in use is kept. Without TLS it logs that "
        "there is nothing to reload. It does not stop the server."_s);

    page += u".SH HTTP ENDPOINTS\n"_s;
    page += para(u"The admin port (--admin-port) and the metrics port (--metrics-port) answer "
                 "these plain HTTP GETs without a token:"_s);
    page += item(bold(u"/metrics"_s),
        u"Prometheus text: connections, queues, pairs, matches, pairs over by outcome, moves, "
        "errors by code, refused handshakes by status, forced disconnects by close code, "
        "takeovers, dead peers, the time a move spends in the server, and process figures."_s);
    page += item(bold(u"/healthz"_s), u"200 while the process answers."_s);
    page += item(bold(u"/readyz"_s),
        u"200 while it serves players; 503 while an operator drains it or while it shuts "
        "down."_s);

    page += u".SH CLOSE CODES\n"_s;
    page += para(u"The WebSocket close codes the server sends on its own:"_s);
    for (const quint16 code : serverCloseCodes())
        page += item(bold(QString::number(code)), QString(closeCodeMeaning(code)));

    page += u".SH EXIT STATUS\n"_s;
    page += item(bold(u"0"_s), u"Shut down by a signal, or --help, --version."_s);
    page += item(bold(u"1"_s),
        u"Could not start: a port in use, a certificate that cannot be loaded, no dashboard "
        "module."_s);
    page += item(bold(u"2"_s), u"A bad option or variable; no display for the dashboard."_s);

    page += u".SH FILES\n"_s;
    page += item(bold(u"/usr/lib/systemd/system/pairmatch.service"_s),
        u"The systemd unit: --no-gui, a dynamic unprivileged user, restart on failure, "
        "systemctl reload sends SIGHUP."_s);
    page += item(bold(u"/etc/default/pairmatch"_s),
        u"PAIRMATCH_* settings the unit reads, if present; an example is installed under "
        "/usr/share/doc/pairmatch/examples/."_s);

    page += u".SH EXAMPLES\n"_s;
    page += u".nf\n"_s;
    page += roffEscape(u"pairmatch --no-gui --host 0.0.0.0 --port 8080 --metrics-port 9100"_s)
        + u'\n';
    page += roffEscape(u"PAIRMATCH_ADMIN_TOKEN=secret pairmatch --no-gui --admin-port 9090"_s)
        + u'\n';
    page += roffEscape(u"pairmatch --attach ws://127.0.0.1:9090/admin"_s) + u'\n';
    page += u".fi\n"_s;

    page += u".SH SEE ALSO\n"_s;
    page += para(u"pairmatch-bench --help (the load tool installed beside it); "
                 "docs/operations.md, docs/protocol.md and docs/admin-api.md in the source."_s);
    return page;
}

} // namespace pairmatch
