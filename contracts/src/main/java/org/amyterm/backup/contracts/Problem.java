package org.amyterm.backup.contracts;

/**
 * The body of every refused API call: an RFC 9457 problem ({@code application/problem+json}).
 * {@code error} repeats the detail for clients that read it before problems were.
 */
public record Problem(String type, String title, int status, String detail, String error) {
    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail, detail);
    }
}
