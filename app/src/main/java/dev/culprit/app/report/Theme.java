package dev.culprit.app.report;

/**
 * The look shared by the report and the live page: light by default, dark where the reader's
 * system asks for it ({@code prefers-color-scheme}), the same six series colours readable on both.
 */
public final class Theme {

    private Theme() {}

    public static final String CSS = """
            :root{color-scheme:light dark;--bg:#ffffff;--fg:#1d232a;--muted:#5b6670;--line:#d9dee3;--panel:#f4f6f8;
            --span:rgba(214,69,50,.13);--threshold:#c0392b;--s0:#1f6fd1;--s1:#c26a00;--s2:#078a5f;--s3:#8a3ad6;--s4:#c81e6e;--s5:#0a7f99;
            --critical:#b42318;--warning:#b54708;--ok:#067647}
            @media (prefers-color-scheme:dark){:root{--bg:#14181c;--fg:#e6e9ec;--muted:#9aa5b1;--line:#333c45;--panel:#1d2328;
            --span:rgba(255,110,90,.20);--threshold:#ff7a6b;--s0:#6aa8ff;--s1:#fbbf24;--s2:#34d399;--s3:#c084fc;--s4:#f472b6;--s5:#22d3ee;
            --critical:#ff8577;--warning:#fdb022;--ok:#47cd89}}
            body{background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;
            max-width:1000px;padding:16px 24px}
            h1{font-size:22px;margin:8px 0}h2{font-size:17px;border-bottom:1px solid var(--line);padding-bottom:4px;margin-top:28px}
            h3{font-size:14px;margin:16px 0 6px}
            a{color:var(--s0)}code,.id{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12.5px}
            .note{color:var(--muted)}
            .badge{display:inline-block;border:1px solid currentColor;border-radius:10px;padding:0 8px;font-size:12px}
            .badge.critical{color:var(--critical)}.badge.warning{color:var(--warning)}.badge.open{color:var(--critical)}.badge.resolved{color:var(--ok)}
            dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}dt{color:var(--muted)}dd{margin:0;word-break:break-all}
            table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:3px 8px;border-bottom:1px solid var(--line);vertical-align:top}
            th{color:var(--muted);font-weight:600}table.thresholds,table.evidence{width:auto}
            table.events td code{word-break:break-all;font-size:11.5px}
            figure{margin:12px 0;background:var(--panel);border-radius:6px;padding:8px 10px}figcaption{font-weight:600;margin-bottom:4px}
            svg{width:100%;height:auto;display:block;font:11px system-ui,sans-serif}
            svg text{fill:var(--muted)}svg .bar-label{fill:var(--fg)}svg .axis{stroke:var(--muted)}svg .grid{stroke:var(--line)}
            svg .span{fill:var(--span)}svg .threshold{stroke:var(--threshold);stroke-dasharray:6 4;stroke-width:1.5}
            svg .threshold-label{fill:var(--threshold)}svg polyline.series{stroke-width:1.8}
            .s0{stroke:var(--s0);fill:var(--s0)}.s1{stroke:var(--s1);fill:var(--s1)}.s2{stroke:var(--s2);fill:var(--s2)}
            .s3{stroke:var(--s3);fill:var(--s3)}.s4{stroke:var(--s4);fill:var(--s4)}.s5{stroke:var(--s5);fill:var(--s5)}
            svg polyline.series{fill:none}
            ul.legend{list-style:none;padding:0;margin:4px 0 0;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12.5px}
            .swatch{display:inline-block;width:14px;height:4px;margin-right:6px;vertical-align:middle}
            .swatch.s0{background:var(--s0)}.swatch.s1{background:var(--s1)}.swatch.s2{background:var(--s2)}.swatch.s3{background:var(--s3)}
            .swatch.s4{background:var(--s4)}.swatch.s5{background:var(--s5)}
            .swatch.threshold{border-top:2px dashed var(--threshold);height:0}.swatch.span{background:var(--span);height:12px}
            ol.culprits{padding-left:20px}li.culprit{margin:6px 0}li.culprit .role{color:var(--muted)}
            li.culprit .name{font-family:ui-monospace,monospace;word-break:break-all}
            footer{margin-top:32px;color:var(--muted);font-size:12px}
            tr.fresh{animation:fresh 3s ease-out}@keyframes fresh{from{background:var(--span)}to{background:transparent}}
            """;
}
